using System.Reflection;

namespace AsyncGen.Samples.Tests;

/// <summary>Where the samples are: their assemblies (referenced by this project) and their build output.</summary>
internal static class Samples
{
    public static Assembly Tour { get; } = Assembly.Load("Tour");

    public static Assembly Benchmarks { get; } = Assembly.Load("AsyncGen.Benchmarks");

    /// <summary>The CLI that runs these tests (set by <c>dotnet test</c>).</summary>
    public static string Dotnet { get; } =
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    /// <summary>A file of a project's own build output, built in this project's configuration.</summary>
    public static string OutputOf(string project, string file) =>
        Path.Combine(Metadata("AsyncGenRoot"), project, "bin", Metadata("Configuration"), "net10.0", file);

    private static string Metadata(string key) =>
        typeof(Samples).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}
