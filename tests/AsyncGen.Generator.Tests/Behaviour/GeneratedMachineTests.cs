namespace AsyncGen.Generator.Tests.Behaviour;

/// <summary>Behaviour of machines generated into this project, on the real executor and by hand.</summary>
public class GeneratedMachineTests
{
    private static Poll<T> PollOnce<T>(IFuture<T> future)
    {
        var cx = new Context(Waker.Noop);
        return future.Poll(ref cx);
    }

    [Fact]
    public void Calls_return_the_boxed_struct_machine()
    {
        var future = InProjectMachines.Chain10(new InProjectMachines.Gate());
        Assert.IsType<FutureBox<InProjectMachines.Chain10Future, int>>(future);
    }

    [Fact]
    public void Calls_inside_a_machine_not_awaited_in_place_get_the_boxed_machine_too()
    {
        var created = new List<Type>();
        Assert.Equal(36, Executor.BlockOn(InProjectMachines.CallsNotAwaitedInPlace(created)));
        Assert.Equal(4, created.Count);
        Assert.All(created, type => Assert.Equal(typeof(FutureBox<InProjectMachines.SleepThenAddFuture, int>), type));
    }

    [Fact]
    public void Suspended_machine_describes_its_backtrace_through_every_embedded_machine()
    {
        var gate = new InProjectMachines.Gate();
        var future = InProjectMachines.Chain10(gate);
        Assert.Empty(AsyncGen.Diagnostics.AsyncBacktrace.Of(ref future)); // not polled yet: not suspended anywhere

        Assert.True(PollOnce(future).IsPending);
        var frames = AsyncGen.Diagnostics.AsyncBacktrace.Of(ref future);

        Assert.Equal(11, frames.Count); // ten machines, then the gate they wait on
        Assert.Equal(("InProjectMachines.Chain10", "InProjectMachines.cs", "Chain9(gate)"), (frames[0].Method, frames[0].File, frames[0].Awaited));
        Assert.Equal(("InProjectMachines.Chain1", "gate"), (frames[9].Method, frames[9].Awaited));
        Assert.Equal(frames[0].Line + 3, frames[1].Line); // Chain9 is declared three lines below Chain10
        Assert.Contains("Gate", frames[10].Method, StringComparison.Ordinal);

        gate.Open = true;
        Assert.True(PollOnce(future).IsReady);
        Assert.Empty(AsyncGen.Diagnostics.AsyncBacktrace.Of(ref future));
    }

    [Fact]
    public void Debugger_display_shows_the_state_and_the_source_line()
    {
        var gate = new InProjectMachines.Gate();
        var machine = InProjectMachines.Chain1Machine(gate);
        Assert.Equal("Chain1: created, not polled yet", DebuggerDisplay(machine));
        var cx = new Context(Waker.Noop);
        Assert.True(machine.Poll(ref cx).IsPending);
        Assert.Matches(@"^Chain1: suspended at InProjectMachines\.cs:\d+, await gate$", DebuggerDisplay(machine));
        Assert.NotNull(typeof(InProjectMachines.Chain1Future).GetCustomAttributes(typeof(System.Diagnostics.DebuggerDisplayAttribute), false).SingleOrDefault());
    }

    private static string DebuggerDisplay(object machine) =>
        (string)machine.GetType().GetProperty("__DebuggerDisplay", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.GetValue(machine)!;

    [Fact]
    public void Depth_10_chain_allocates_nothing_per_poll_after_the_box()
    {
        var gate = new InProjectMachines.Gate();
        var future = InProjectMachines.Chain10(gate);
        Assert.True(PollOnce(future).IsPending); // warm up: first poll of every level

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++) PollOnce(future);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        gate.Open = true;
        Assert.Equal(10, PollOnce(future).Value);
        Assert.Equal(1002, gate.Polls); // each top-level poll reached the innermost future exactly once
    }

    [Fact]
    public void Dispose_while_suspended_runs_using_and_finally_innermost_first()
    {
        var log = new List<string>();
        var future = InProjectMachines.WithFinally(new InProjectMachines.Gate(), log);
        Assert.True(PollOnce(future).IsPending);
        future.Dispose();
        Assert.Equal(["try", "disposed using", "finally"], log);
        future.Dispose();
        Assert.Equal(3, log.Count); // a second Dispose is a no-op
    }

    [Fact]
    public void Dispose_before_the_first_poll_runs_nothing()
    {
        var log = new List<string>();
        InProjectMachines.WithFinally(new InProjectMachines.Gate(), log).Dispose();
        Assert.Empty(log);
    }

    [Fact]
    public void Suspending_does_not_run_finally_blocks()
    {
        var log = new List<string>();
        var gate = new InProjectMachines.Gate();
        var future = InProjectMachines.WithFinally(gate, log);
        Assert.True(PollOnce(future).IsPending);
        Assert.True(PollOnce(future).IsPending);
        Assert.Equal(["try"], log);
        gate.Open = true;
        Assert.Equal("done", PollOnce(future).Value);
        Assert.Equal(["try", "after await", "disposed using", "finally"], log);
    }

    [Fact]
    public void Poll_after_ready_throws()
    {
        var gate = new InProjectMachines.Gate { Open = true };
        var machine = new InProjectMachines.Chain10Future(gate);
        var cx = new Context(Waker.Noop);
        Assert.True(machine.Poll(ref cx).IsReady);
        var threw = false;
        try
        {
            machine.Poll(ref cx);
        }
        catch (InvalidOperationException)
        {
            threw = true;
        }
        Assert.True(threw);
    }

    [Fact]
    public void Runs_on_the_executor_with_struct_sleep_and_class_join_handle()
    {
        Assert.Equal(3, Executor.BlockOn(InProjectMachines.SleepThenAdd(1, 2)));
        Assert.Equal(42, Executor.BlockOn(InProjectMachines.SpawnAndJoin()));
    }

    [Fact]
    public void Stack_traces_point_at_the_users_file_through_line_directives()
    {
        var future = InProjectMachines.ThrowsAfterAwait(new InProjectMachines.Gate { Open = true });
        var error = Assert.Throws<InvalidOperationException>(() => PollOnce(future));
        var source = File.ReadAllLines(SourcePath("InProjectMachines.cs"));
        var line = Array.FindIndex(source, l => l.Contains("thrown by user code", StringComparison.Ordinal)) + 1;
        Assert.Contains($"InProjectMachines.cs:line {line}", error.StackTrace, StringComparison.Ordinal);
    }

    private static string SourcePath(string file, [System.Runtime.CompilerServices.CallerFilePath] string self = "") =>
        Path.Combine(Path.GetDirectoryName(self)!, file);

    [Fact]
    public void Method_group_takes_the_fallback_and_behaves_the_same()
    {
#pragma warning disable AG0006 // the point of this test: a delegate is not intercepted
        Func<int, int, Future<int>> viaDelegate = InProjectMachines.SleepThenAdd;
#pragma warning restore AG0006
        var future = viaDelegate(4, 5);
        Assert.IsNotType<FutureBox<InProjectMachines.SleepThenAddFuture, int>>(future);
        Assert.Equal(9, Executor.BlockOn(future));
    }
}
