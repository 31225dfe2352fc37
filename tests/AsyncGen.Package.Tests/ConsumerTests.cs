using System.Text.Json;
using Xunit.Abstractions;

namespace AsyncGen.Package.Tests;

/// <summary>
/// A console app made from scratch (`dotnet new console` + `dotnet add package AsyncGen --source &lt;feed&gt;`) with
/// the README's quick-start program in it.
/// </summary>
[Collection(PackageCollection.Name)]
public sealed class ConsumerTests(PackagedConsumers consumers, ITestOutputHelper output)
{
    [Fact]
    public void Fresh_console_app_restores_AsyncGen_from_the_temporary_feed_into_its_private_cache()
    {
        Assert.True(consumers.Pack.Succeeded, consumers.Pack.ToString());
        AssertSucceeded(consumers.NewConsole);
        AssertSucceeded(consumers.AddPackage);

        var restored = Path.Combine(consumers.Packages, "asyncgen", Repository.PackageVersion);
        Assert.True(File.Exists(Path.Combine(restored, "lib", "net10.0", "AsyncGen.Runtime.dll")), $"Nothing restored into {restored}.");
        using var metadata = JsonDocument.Parse(File.ReadAllText(Path.Combine(restored, ".nupkg.metadata")));
        Assert.Equal(consumers.Feed, metadata.RootElement.GetProperty("source").GetString()!.TrimEnd('/'));
        Assert.Contains("<PackageReference Include=\"AsyncGen\" Version=\"0.1.0\" />",
            File.ReadAllText(Path.Combine(consumers.DemoDirectory, "Demo.csproj")));
    }

    [Fact]
    public void Fresh_console_app_builds_and_runs_a_PollAsync_program()
    {
        foreach (var step in consumers.Steps)
            output.WriteLine($"{step.Elapsed.TotalSeconds,6:F1} s  {(step.Succeeded ? "ok  " : "FAIL")}  {step.CommandLine}");
        AssertSucceeded(consumers.Build);
        AssertSucceeded(consumers.RunDemo);
        Assert.Contains("DelayAdd(1, 2) = 3", consumers.RunDemo!.Output);
    }

    [Fact]
    public void Calls_in_the_console_app_run_the_generated_struct_machine_boxed_once()
    {
        AssertSucceeded(consumers.RunDemo);
        Assert.Contains("ran as AsyncGen.FutureBox`2[", consumers.RunDemo!.Output);
    }

    [Fact]
    public void Blocking_call_in_a_PollAsync_method_prints_AG0100_in_the_build_output()
    {
        AssertSucceeded(consumers.Build);
        Assert.Matches(@"Blocking\.cs\(\d+,\d+\): warning AG0100", consumers.Build!.Output);
    }

    [Fact]
    public void Package_targets_enable_the_interceptors_namespace_and_make_generator_failures_errors()
    {
        var (interceptors, warningsAsErrors) = Properties(consumers.DemoProperties);
        Assert.Contains("AsyncGen.Generated", interceptors);
        Assert.Contains("CS8785", warningsAsErrors);
        Assert.Contains("CS9057", warningsAsErrors);
    }

    [Fact]
    public void Method_group_of_a_PollAsync_method_is_a_warning_by_default()
    {
        AssertSucceeded(consumers.Build);
        Assert.Matches(@"Fallback\.cs\(\d+,\d+\): warning AG0006", consumers.Build!.Output);
        var (_, warningsAsErrors) = Properties(consumers.DemoProperties);
        Assert.DoesNotContain("AG0006", warningsAsErrors);
    }

    [Fact]
    public void Strict_mode_makes_every_fallback_diagnostic_an_error()
    {
        AssertSucceeded(consumers.StrictProperties);
        using var json = JsonDocument.Parse(consumers.StrictProperties!.Output);
        var properties = json.RootElement.GetProperty("Properties");
        string[] List(string name) => properties.GetProperty(name).GetString()!.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var fallback = List("AsyncGenFallbackDiagnostics");
        Assert.Superset(new HashSet<string> { "AG0005", "AG0006", "AG0007", "AG0008", "AG0009" }, fallback.ToHashSet());
        Assert.Superset(fallback.ToHashSet(), List("WarningsAsErrors").ToHashSet());

        var build = consumers.BuildStrict;
        Assert.NotNull(build);
        Assert.False(build.Succeeded, build.ToString());
        Assert.Matches(@"Fallback\.cs\(\d+,\d+\): error AG0006", build.Output);
    }

    [Fact]
    public void Building_with_CSharp_10_fails_with_a_message_naming_the_needed_version()
    {
        var build = consumers.BuildWithCSharp10;
        Assert.NotNull(build);
        Assert.False(build.Succeeded, build.ToString());
        Assert.Contains("AsyncGen needs C# 11 or later (LangVersion is 10)", build.Output);
    }

    internal static void AssertSucceeded(CliResult? step)
    {
        Assert.True(step is not null, "An earlier step failed; see the first failing test of this collection.");
        Assert.True(step.Succeeded, step.ToString());
    }

    internal static (string[] InterceptorsNamespaces, string[] WarningsAsErrors) Properties(CliResult? evaluation)
    {
        AssertSucceeded(evaluation);
        using var json = JsonDocument.Parse(evaluation!.Output);
        var properties = json.RootElement.GetProperty("Properties");
        string[] List(string name) => properties.GetProperty(name).GetString()!.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return (List("InterceptorsNamespaces"), List("WarningsAsErrors"));
    }
}
