namespace AsyncGen.Generator.Tests.Differential;

/// <summary>
/// Each program of <c>Programs/</c> runs as <c>async Task</c> (the reference), through the generated machines and
/// through the fallback builder: result, exception and log must be identical.
/// </summary>
public class DifferentialTests
{
    public static TheoryData<string> Programs => new(ProgramSet.Names);

    /// <summary>Programs suspended in a try whose finally awaits: Dispose cannot run an awaiting finally (a known gap).</summary>
    public static TheoryData<string> DisposablePrograms => new(ProgramSet.Names.Where(n => !n.Contains("AwaitFinally", StringComparison.Ordinal)));

    private static CompiledWorlds Worlds => CompiledWorlds.Instance.Value;

    [Fact]
    public void There_are_at_least_sixty_programs() => Assert.InRange(ProgramSet.Names.Count, 60, int.MaxValue);

    [Fact]
    public void Generator_reports_nothing_on_the_programs() => Assert.Empty(Worlds.GeneratorDiagnostics);

    [Theory]
    [MemberData(nameof(Programs))]
    public void Generated_machine_matches_async_Task(string program)
    {
        var expected = ProgramRunner.RunTask(Worlds.Tasks, program);
        var actual = ProgramRunner.RunFuture(Worlds.Generated, program);
        Assert.Equal(expected.ToString(), actual.ToString());
    }

    [Theory]
    [MemberData(nameof(Programs))]
    public void Fallback_builder_matches_async_Task(string program)
    {
        var expected = ProgramRunner.RunTask(Worlds.Tasks, program);
        var actual = ProgramRunner.RunFuture(Worlds.Fallback, program);
        Assert.Equal(expected.ToString(), actual.ToString());
    }

    [Theory]
    [MemberData(nameof(Programs))]
    public void Calls_are_intercepted_into_a_boxed_struct_machine(string program)
    {
        var future = ProgramRunner.Start(Worlds.Generated, program, new List<string>());
        Assert.StartsWith("FutureBox", future.GetType().Name, StringComparison.Ordinal);
        Assert.EndsWith(program + "+RunFuture", future.GetType().GetGenericArguments()[0].FullName, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(DisposablePrograms))]
    public void Dispose_at_every_await_runs_each_pending_finally_once(string program)
    {
        var (polls, _) = new ManualPoller().Drive((IFuture<string>)ProgramRunner.Start(Worlds.Generated, program, new List<string>()), int.MaxValue);
        for (var k = 1; k < polls; k++)
        {
            var log = new List<string>();
            var future = (Future<string>)ProgramRunner.Start(Worlds.Generated, program, log);
            var (_, finished) = new ManualPoller().Drive(future, k);
            if (finished) continue; // a real Task completed sooner than in the counting run

            var before = log.Count;
            future.Dispose();

            var addedByDispose = log.Skip(before).ToList();
            Assert.All(addedByDispose, line => Assert.StartsWith("finally:", line, StringComparison.Ordinal));
            foreach (var entered in log.Where(l => l.StartsWith("try:", StringComparison.Ordinal)).Distinct())
            {
                var name = entered.Substring("try:".Length);
                Assert.Equal(log.Count(l => l == entered), log.Count(l => l == "finally:" + name));
            }
            Assert.Throws<InvalidOperationException>(() => PollOnce(future));
        }
    }

    private static void PollOnce(Future<string> future)
    {
        var cx = new Context(Waker.Noop);
        future.Poll(ref cx);
    }
}
