namespace AsyncGen.Analyzers.Tests.Verification;

/// <summary>The repository checkout the tests run from (the folder holding AsyncGen.sln), for docs checks.</summary>
internal static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "AsyncGen.sln"))) return directory.FullName;
        }
        throw new InvalidOperationException("AsyncGen.sln not found above " + AppContext.BaseDirectory);
    }
}
