using System.Text.RegularExpressions;

namespace AsyncGen.Package.Tests;

/// <summary>README's Quick start commands, run verbatim (see <see cref="QuickStartRun"/>).</summary>
public sealed class QuickStartTests(QuickStartRun run) : IClassFixture<QuickStartRun>
{
    [Fact]
    public void Readme_quick_start_has_the_setup_run_and_format_blocks()
    {
        Assert.Equal(3, run.Blocks.Count);
        Assert.Contains("dotnet pack src/Package", run.Blocks[0]);
        Assert.Contains("dotnet nuget add source", run.Blocks[0]);
        Assert.Contains("dotnet add package AsyncGen", run.Blocks[0]);
        Assert.Equal("dotnet run\n", run.Blocks[1]);
        Assert.Contains("dotnet format analyzers --diagnostics AG0100", run.Blocks[2]);
    }

    [Fact]
    public void Quick_start_packs_a_version_of_its_own_into_a_feed_it_remembers()
    {
        ConsumerTests.AssertSucceeded(run.Setup);
        var packages = Directory.GetFiles(Path.Combine(run.Home, "asyncgen-feed"), "AsyncGen.*.nupkg");
        var package = Assert.Single(packages, p => !p.EndsWith(".snupkg", StringComparison.Ordinal));
        var version = Regex.Match(Path.GetFileName(package), @"^AsyncGen\.(?<v>0\.1\.0-local\.\d{14})\.nupkg$");
        Assert.True(version.Success, $"Unexpected package name {Path.GetFileName(package)}");
        var userConfig = File.ReadAllText(Path.Combine(run.Home, ".nuget", "NuGet", "NuGet.Config"));
        Assert.Contains("asyncgen-local", userConfig);
        Assert.Contains(Path.Combine(run.Home, "asyncgen-feed"), userConfig);
        Assert.Equal(Path.Combine(run.Home, "Hello"), run.AppDirectory);
        Assert.Contains($"<PackageReference Include=\"AsyncGen\" Version=\"{version.Groups["v"].Value}\" />",
            File.ReadAllText(Path.Combine(run.AppDirectory!, "Hello.csproj")));
        // The clone was not touched: the feed went to the user's NuGet.Config, not the repository's.
        Assert.DoesNotContain("asyncgen-local", File.ReadAllText(Path.Combine(run.Clone, "nuget.config")));
    }

    [Fact]
    public void Quick_start_program_runs_and_prints_what_README_shows()
    {
        ConsumerTests.AssertSucceeded(run.Run);
        Assert.Contains("DelayAdd(1, 2) = 3", run.Run!.Output);
        Assert.Contains("ran as AsyncGen.FutureBox`2[Demo+DelayAddFuture,System.Int32]", run.Run.Output);
    }

    [Fact]
    public void Readme_format_command_applies_the_fixes_including_fix_all_in_sync_and_Task_methods()
    {
        ConsumerTests.AssertSucceeded(run.Format);
        var fixedSource = run.FixesAfterFormat!;
        Assert.DoesNotContain("Thread.Sleep(10)", fixedSource);                    // AG0100
        Assert.Contains("Executor.BlockOn(Demo.DelayAdd(1, 2));", fixedSource);    // AG0106 in a sync method
        Assert.Contains("await Demo.DelayAdd(1, 2).AsTask()", fixedSource);        // AG0109
    }
}
