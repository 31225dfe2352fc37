using System.Reflection;

namespace AsyncGen.Package.Tests;

/// <summary>Where the repository is and how this test assembly was built (stamped in by the test project).</summary>
internal static class Repository
{
    public static string Root { get; } = Path.GetFullPath(Metadata("AsyncGenRoot"));

    /// <summary>The configuration the package project was built in alongside these tests, so it can be packed as is.</summary>
    public static string Configuration { get; } = Metadata("Configuration");

    public static string PackageVersion => "0.1.0";

    public static string PathOf(string relative) => Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));

    private static string Metadata(string key) =>
        typeof(Repository).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
        ?? throw new InvalidOperationException($"Assembly metadata {key} is empty.");
}
