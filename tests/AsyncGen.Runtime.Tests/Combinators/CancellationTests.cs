using AsyncGen.Runtime.Tests.Support;
using AsyncGen.Runtime.Tests.Sync;

namespace AsyncGen.Runtime.Tests.Combinators;

public class CancellationTests
{
    /// <summary>Pending until <see cref="Complete"/>; wakes nothing itself (the token relay must); counts disposals.</summary>
    private sealed class ParkedFuture : IFuture<int>
    {
        private bool _complete;

        public int Disposals { get; private set; }

        public void Complete() => _complete = true;

        public Poll<int> Poll(ref Context cx) => _complete ? Poll<int>.Ready(7) : Poll<int>.Pending;

        public void Dispose() => Disposals++;
    }

    [Fact]
    public void WithCancellation_wakes_on_cancel_then_disposes_the_future_and_throws_OperationCanceledException()
    {
        using var source = new CancellationTokenSource();
        var inner = new ParkedFuture();
        var wakes = new CountingWakeTarget();
        var cx = new Context(wakes.Waker);
        var future = inner.WithCancellation(source.Token);

        Assert.True(future.Poll(ref cx).IsPending);
        source.Cancel();
        Assert.Equal(1, wakes.Wakes);

        var thrown = Assert.Throws<OperationCanceledException>(() => { var c = new Context(wakes.Waker); future.Poll(ref c); });
        Assert.Equal(source.Token, thrown.CancellationToken);
        Assert.Equal(1, inner.Disposals);
        future.Dispose();
        Assert.Equal(1, inner.Disposals); // already finished: disposing again does nothing
    }

    [Fact]
    public void WithCancellation_removes_its_token_registration_when_the_future_completes()
    {
        using var source = new CancellationTokenSource();
        var inner = new ParkedFuture();
        var wakes = new CountingWakeTarget();
        var cx = new Context(wakes.Waker);
        var future = inner.WithCancellation(source.Token);

        Assert.True(future.Poll(ref cx).IsPending);
        inner.Complete();
        Assert.Equal(7, future.Poll(ref cx).Value);
        source.Cancel();
        Assert.Equal(0, wakes.Wakes); // the callback was unregistered
        Assert.Equal(0, inner.Disposals);
    }

    [Fact]
    public void Disposing_a_pending_WithCancellation_disposes_the_future_and_removes_the_registration()
    {
        using var source = new CancellationTokenSource();
        var inner = new ParkedFuture();
        var wakes = new CountingWakeTarget();
        var cx = new Context(wakes.Waker);
        var future = inner.WithCancellation(source.Token);

        Assert.True(future.Poll(ref cx).IsPending);
        future.Dispose();
        source.Cancel();
        Assert.Equal(0, wakes.Wakes);
        Assert.Equal(1, inner.Disposals);
    }

    [Fact]
    public void WithCancellation_with_an_already_cancelled_token_never_polls_the_future()
    {
        var inner = new TrackedFuture<int>(1, pendingPolls: 0);
        var future = inner.WithCancellation(new CancellationToken(canceled: true));
        Assert.Throws<OperationCanceledException>(() => Executor.BlockOn(future, SyncTestSupport.StallLimit));
        Assert.Equal(0, inner.Polls);
        Assert.Equal(1, inner.Disposals);
    }

    [Fact]
    public void Repolling_a_pending_WithCancellation_allocates_nothing_after_its_first_poll()
    {
        using var source = new CancellationTokenSource();
        var wakes = new CountingWakeTarget();
        var cancellable = new ParkedFuture().WithCancellation(source.Token);
        var uncancellable = new ParkedFuture().WithCancellation(CancellationToken.None);
        var first = new Context(wakes.Waker);
        cancellable.Poll(ref first); // allocates the relay and the token's registration node, once

        SyncTestSupport.AssertSteadyStateAllocatesNothing(count =>
        {
            var cx = new Context(wakes.Waker);
            for (int i = 0; i < count; i++)
            {
                Assert.True(cancellable.Poll(ref cx).IsPending);
                Assert.True(uncancellable.Poll(ref cx).IsPending);
            }
        });
    }

    private static async Future<int> SleepsForeverIn(List<string> log, ManualResetEventSlim entered)
    {
        try
        {
            entered.Set();
            await Time.Sleep(Timeout.InfiniteTimeSpan);
            return 0;
        }
        finally
        {
            log.Add("finally");
        }
    }

    [Fact]
    public void Cancelling_the_token_from_another_thread_runs_the_finally_blocks_of_an_async_future()
    {
        using var source = new CancellationTokenSource();
        using var entered = new ManualResetEventSlim();
        var log = new List<string>();
        // Cancels once the body is inside its try block, not after a fixed delay: under load a CancelAfter(20 ms)
        // could fire before the first poll, and a body that never started has no finally to run (see the test below).
        var canceller = new Thread(() =>
        {
            entered.Wait();
            source.Cancel();
        });
        canceller.Start();
        var thrown = Assert.ThrowsAny<OperationCanceledException>(
            () => Executor.BlockOn(SleepsForeverIn(log, entered).WithCancellation(source.Token), SyncTestSupport.StallLimit));
        canceller.Join();
        Assert.Equal(source.Token, thrown.CancellationToken);
        Assert.Equal(["finally"], log);
    }

    [Fact]
    public void Cancelling_the_token_before_the_first_poll_never_starts_the_async_future_so_no_finally_runs()
    {
        using var entered = new ManualResetEventSlim();
        var log = new List<string>();
        Assert.ThrowsAny<OperationCanceledException>(() => Executor.BlockOn(
            SleepsForeverIn(log, entered).WithCancellation(new CancellationToken(canceled: true)), SyncTestSupport.StallLimit));
        Assert.False(entered.IsSet);
        Assert.Empty(log);
    }

    [Fact]
    public void Token_AsFuture_completes_once_the_token_is_cancelled()
    {
        using var source = new CancellationTokenSource();
        var wakes = new CountingWakeTarget();
        var cx = new Context(wakes.Waker);
        var cancelled = source.Token.AsFuture();

        Assert.True(cancelled.Poll(ref cx).IsPending);
        Assert.True(cancelled.Poll(ref cx).IsPending);
        source.Cancel();
        Assert.Equal(1, wakes.Wakes);
        Assert.True(cancelled.Poll(ref cx).IsReady);
    }

    [Fact]
    public void Token_AsFuture_loses_a_select_against_a_result_and_wins_once_cancelled()
    {
        using var source = new CancellationTokenSource();
        var ready = Executor.BlockOn(Future.Select(Task.FromResult(1).AsFuture(), source.Token.AsFuture()), SyncTestSupport.StallLimit);
        Assert.True(ready.IsFirst);

        source.CancelAfter(TimeSpan.FromMilliseconds(10));
        var cancelled = Executor.BlockOn(Future.Select(Time.Sleep(Timeout.InfiniteTimeSpan), source.Token.AsFuture()), SyncTestSupport.StallLimit);
        Assert.True(cancelled.IsSecond);
    }

    [Fact]
    public void Disposing_a_FromTask_future_cancels_the_token_of_its_running_Task()
    {
        Task? started = null;
        var future = CancellationInterop.FromTask(token => started = Task.Delay(Timeout.InfiniteTimeSpan, token));
        Assert.Null(started); // lazy: nothing starts before the first poll

        var wakes = new CountingWakeTarget();
        var cx = new Context(wakes.Waker);
        Assert.True(future.Poll(ref cx).IsPending);
        Assert.NotNull(started);
        future.Dispose();

        Assert.True(((IAsyncResult)started!).AsyncWaitHandle.WaitOne(SyncTestSupport.StallLimit));
        Assert.True(started.IsCanceled);
    }

    [Fact]
    public void A_FromTask_future_completes_with_the_Task_result_and_observes_the_callers_token()
    {
        Assert.Equal(42, Executor.BlockOn(CancellationInterop.FromTask(async token =>
        {
            await Task.Delay(1, token);
            return 42;
        }), SyncTestSupport.StallLimit));

        using var source = new CancellationTokenSource();
        source.CancelAfter(TimeSpan.FromMilliseconds(10));
        Assert.ThrowsAny<OperationCanceledException>(() => Executor.BlockOn(
            CancellationInterop.FromTask(token => Task.Delay(Timeout.InfiniteTimeSpan, token), source.Token),
            SyncTestSupport.StallLimit));
    }
}
