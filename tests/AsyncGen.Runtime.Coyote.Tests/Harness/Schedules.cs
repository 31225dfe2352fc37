using Microsoft.Coyote.SystematicTesting;

namespace AsyncGen.Runtime.Coyote.Tests.Harness;

/// <summary>How many schedules each test explores, and the check every test makes of Coyote's report.</summary>
internal static class Schedules
{
    /// <summary>
    /// Schedules per test in the suite: 2,000 keeps all the Coyote tests well under a minute on a loaded 2-core
    /// machine. <c>ASYNCGEN_COYOTE_ITERATIONS</c> raises it for long runs (benchmarks/coyote.sh).
    /// </summary>
    public static int PerTest { get; } =
        int.TryParse(Environment.GetEnvironmentVariable("ASYNCGEN_COYOTE_ITERATIONS"), out int iterations) && iterations > 0
            ? iterations
            : 2_000;

    /// <summary>Fails with Coyote's first bug report (it names the failed assertion or exception) if any.</summary>
    public static void AssertNoBug(TestReport report)
    {
        Assert.True(report.NumOfFoundBugs == 0, string.Join(Environment.NewLine, report.BugReports));
        Assert.Equal(PerTest, report.NumOfExploredFairPaths + report.NumOfExploredUnfairPaths);
    }
}
