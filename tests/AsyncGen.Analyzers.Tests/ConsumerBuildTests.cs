using System.Diagnostics;
using AsyncGen.Analyzers.Rules;
using AsyncGen.Analyzers.Tests.Verification;

namespace AsyncGen.Analyzers.Tests;

/// <summary>
/// The analyzers as a consumer meets them: a real <c>dotnet build</c> of a small project prints the rule in its
/// output, so the warning shows in every IDE and CI log, not only in the test harness.
/// </summary>
public sealed class ConsumerBuildTests
{
    private const string Source = """
        using AsyncGen;

        public static partial class Demo
        {
            [PollAsync]
            public static async Future<int> DelayAdd(int a, int b)
            {
                Thread.Sleep(2000);
                await Task.Yield();
                return a + b;
            }
        }
        """;

    [Fact]
    public void Building_a_project_with_a_blocking_call_prints_the_AG0100_warning()
    {
        var project = Directory.CreateTempSubdirectory("asyncgen-consumer-");
        try
        {
            File.WriteAllText(Path.Combine(project.FullName, "Consumer.csproj"), ProjectFile());
            File.WriteAllText(Path.Combine(project.FullName, "Demo.cs"), Source);

            var (exitCode, output) = Build(project.FullName);

            Assert.True(exitCode == 0, output);
            Assert.Contains("Demo.cs(8,9): warning AG0100: 'Thread.Sleep' blocks the executor thread inside a future body", output);
        }
        finally
        {
            project.Delete(recursive: true);
        }
    }

    /// <summary>The runtime and the analyzer as built for this test run, referenced the way the package will ship them.</summary>
    private static string ProjectFile() => $"""
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <TargetFramework>net10.0</TargetFramework>
            <ImplicitUsings>enable</ImplicitUsings>
            <Nullable>enable</Nullable>
          </PropertyGroup>
          <ItemGroup>
            <Reference Include="AsyncGen.Runtime" HintPath="{TestSources.RuntimeAssembly.Location}" />
            <Analyzer Include="{typeof(AsyncGenAnalyzer).Assembly.Location}" />
          </ItemGroup>
        </Project>
        """;

    private static (int ExitCode, string Output) Build(string directory)
    {
        // No build servers: nothing may outlive the test run.
        var start = new ProcessStartInfo(DotnetHost(), "build --disable-build-servers -p:UseSharedCompilation=false -nologo")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var build = Process.Start(start)!;
        var error = build.StandardError.ReadToEndAsync();
        var output = build.StandardOutput.ReadToEnd();
        if (!build.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            build.Kill(entireProcessTree: true);
            throw new TimeoutException("dotnet build did not finish in 3 minutes:\n" + output);
        }
        return (build.ExitCode, output + error.Result);
    }

    /// <summary>The dotnet host running the tests (set by the test host), else the one on PATH.</summary>
    private static string DotnetHost() => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
}
