using AsyncGen.Runtime.Coyote.Tests.Harness;

namespace AsyncGen.Runtime.Coyote.Tests;

/// <summary>The harness finds the bugs it is for: a schedule that loses a wake-up is reported.</summary>
public class HarnessTests
{
    [Fact]
    public void A_check_then_wait_without_a_recheck_is_reported_as_a_lost_wake_up()
    {
        var report = Interleavings.Explore(200, threads =>
        {
            bool flag = false;
            FlagWaker? stored = null;
            var waiter = new FlagWaker();
            threads.Start("waiter", Waiter());
            threads.Start("setter", Setter());
            threads.Run();

            // The seed's lost wake-up: checks, then (in a separate step) stores its waker, with no re-check.
            IEnumerable<Func<bool>?> Waiter()
            {
                bool seen = flag;
                yield return null;
                if (seen) yield break;
                stored = waiter;
                yield return () => waiter.Woken;
            }

            IEnumerable<Func<bool>?> Setter()
            {
                yield return null;
                flag = true;
                stored?.Waker.Wake();
            }
        });
        Assert.True(report.NumOfFoundBugs > 0);
        Assert.Contains("lost wake-up", string.Join("\n", report.BugReports));
    }
}
