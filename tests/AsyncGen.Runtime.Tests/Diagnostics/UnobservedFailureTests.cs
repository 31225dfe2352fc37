using System.Diagnostics.Tracing;
using System.Runtime.CompilerServices;
using AsyncGen.Diagnostics;
using AsyncGen.Runtime.Tests.Net;

namespace AsyncGen.Runtime.Tests.Diagnostics;

/// <summary>A faulted task nobody awaited is reported (hook and event) when its handle is collected; never silent.</summary>
[Collection(SerialCollection.Name)]
public class UnobservedFailureTests
{
    [Fact]
    public void A_faulted_task_whose_handle_is_dropped_raises_the_hook_and_the_event()
    {
        var seen = new List<UnobservedTaskFailureEventArgs>();
        EventHandler<UnobservedTaskFailureEventArgs> hook = (_, e) =>
        {
            if (e.Exception.Message == "dropped boom") lock (seen) seen.Add(e);
        };
        using var events = new EventTests.Recorder(EventLevel.Error, AsyncGenEventSource.Keywords.Tasks, anyThread: true).Start(); // from the finalizer; filtered by message
        RuntimeDiagnostics.UnobservedTaskFailure += hook;
        try
        {
            RunAndDropFaultedTask("dropped boom");
            CollectGarbage();
        }
        finally
        {
            RuntimeDiagnostics.UnobservedTaskFailure -= hook;
        }

        var failure = Assert.Single(seen);
        Assert.Equal("Fail", failure.TaskName);
        Assert.IsType<InvalidOperationException>(failure.Exception);
        var logged = Assert.Single(events.Named("UnobservedTaskFailure"), e => (string)e.Payload![3]! == "dropped boom");
        Assert.Equal(failure.TaskId, (long)logged.Payload![0]!);
        Assert.Equal(EventLevel.Error, logged.Level);
    }

    [Fact]
    public void A_faulted_task_whose_handle_was_awaited_is_not_reported()
    {
        int seen = 0;
        EventHandler<UnobservedTaskFailureEventArgs> hook = (_, e) =>
        {
            if (e.Exception.Message == "awaited boom") Interlocked.Increment(ref seen);
        };
        RuntimeDiagnostics.UnobservedTaskFailure += hook;
        try
        {
            AwaitFaultedTask("awaited boom");
            CollectGarbage();
        }
        finally
        {
            RuntimeDiagnostics.UnobservedTaskFailure -= hook;
        }
        Assert.Equal(0, seen);
    }

    [MethodImpl(MethodImplOptions.NoInlining)] // the handle must not stay alive in this frame
    private static void RunAndDropFaultedTask(string message)
    {
        using var executor = new LocalExecutor();
        executor.Spawn(Fail(message));
        executor.Run();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void AwaitFaultedTask(string message)
    {
        using var executor = new LocalExecutor();
        var handle = executor.Spawn(Fail(message));
        executor.Run();
        Assert.Throws<InvalidOperationException>(() => executor.BlockOn(handle));
    }

    private static void CollectGarbage()
    {
        for (int i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
    }

    private static async Future<int> Fail(string message)
    {
        await new Support.SelfWakingFuture(times: 1);
        throw new InvalidOperationException(message);
    }
}
