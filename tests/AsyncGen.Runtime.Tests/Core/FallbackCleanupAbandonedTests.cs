using AsyncGen.Fallback;
using AsyncGen.Runtime.Tests.Net;

namespace AsyncGen.Runtime.Tests.Core;

/// <summary>
/// A fallback machine (no generator in this project) cancelled inside an <c>await using</c> whose DisposeAsync does
/// not complete at once stops there: the weaker path is counted, not silent. Serial: the counter is process-wide.
/// </summary>
[Collection(SerialCollection.Name)]
public class FallbackCleanupAbandonedTests
{
    private sealed class FlushingResource(List<string> log, Task flushed) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            log.Add("flush started");
            await flushed;
        }
    }

    private sealed class QuickResource(List<string> log) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            log.Add("quick disposed");
            return default;
        }
    }

    private static async Future<int> Holds(IAsyncDisposable resource, List<string> log)
    {
        try
        {
            await using var held = resource;
            await Future.Yield();
            return 1;
        }
        finally
        {
            log.Add("finally");
        }
    }

    [Fact]
    public void Cancelled_inside_an_await_using_whose_DisposeAsync_is_pending_counts_the_cleanup_abandoned()
    {
        var log = new List<string>();
        var flushed = new TaskCompletionSource();
        var before = FallbackMachines.CleanupAbandoned;
        var future = Holds(new FlushingResource(log, flushed.Task), log);
        var cx = new Context(Waker.Noop);
        Assert.True(future.Poll(ref cx).IsPending);

        future.Dispose();

        Assert.Equal(["flush started"], log);   // the finally after it does not run: the machine waits on the flush
        Assert.Equal(before + 1, FallbackMachines.CleanupAbandoned);
        flushed.SetResult();
    }

    [Fact]
    public void Cancelled_inside_an_await_using_whose_DisposeAsync_completes_at_once_runs_all_cleanup_and_counts_nothing()
    {
        var log = new List<string>();
        var before = FallbackMachines.CleanupAbandoned;
        var future = Holds(new QuickResource(log), log);
        var cx = new Context(Waker.Noop);
        Assert.True(future.Poll(ref cx).IsPending);

        future.Dispose();

        Assert.Equal(["quick disposed", "finally"], log);
        Assert.Equal(before, FallbackMachines.CleanupAbandoned);
    }
}
