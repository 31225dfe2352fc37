using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AsyncGen.Generator.Tests.Differential;

/// <summary>
/// Each program of <c>Programs/</c> runs as <c>async Task</c> (the reference), through the fallback builder and
/// (in <see cref="GeneratedDifferentialTests"/>, under the throwing switch) through the generated machines: result,
/// exception and log must be identical. Both future worlds are also disposed after every poll.
/// </summary>
public class DifferentialTests
{
    public static TheoryData<string> Programs => new(ProgramSet.Names);

    /// <summary>Programs of the generated world: all but those whose generated code is known to be broken.</summary>
    public static TheoryData<string> GeneratedPrograms => new(ProgramSet.Names.Where(n => !KnownGeneratorBugs.IsBroken(n)));

    /// <summary>Programs suspended in a try whose finally awaits: Dispose cannot run an awaiting finally (a known gap).</summary>
    public static TheoryData<string> DisposablePrograms => new(Disposable.Where(n => !KnownGeneratorBugs.IsBroken(n)));

    /// <summary>The fallback world runs the programs the generated world leaves out too.</summary>
    public static TheoryData<string> DisposableFallbackPrograms => new(Disposable);

    private static IEnumerable<string> Disposable => ProgramSet.Names.Where(n => !n.Contains("AwaitFinally", StringComparison.Ordinal));

    private static CompiledWorlds Worlds => CompiledWorlds.Instance.Value;

    [Fact]
    public void There_are_at_least_150_programs() => Assert.InRange(ProgramSet.Names.Count, 150, int.MaxValue);

    [Fact]
    public void Known_bugs_name_existing_programs_once()
    {
        Assert.Empty(KnownGeneratorBugs.Broken.Keys.Concat(KnownGeneratorBugs.FallsBack.Keys).Concat(KnownGeneratorBugs.Warned.Keys).Except(ProgramSet.Names));
        Assert.Empty(KnownGeneratorBugs.Broken.Keys.Intersect(KnownGeneratorBugs.FallsBack.Keys));
        Assert.All(KnownGeneratorBugs.Broken.Values.Concat(KnownGeneratorBugs.FallsBack.Values).Concat(KnownGeneratorBugs.Warned.Values), bug => Assert.StartsWith("generator: ", bug));
    }

    [Fact]
    public void Generator_reports_nothing_on_the_programs_except_known_fallbacks()
    {
        var unexpected = Worlds.GeneratorDiagnostics
            .Where(d => ProgramOf(d) is not { } program ||
                        !(KnownGeneratorBugs.FallsBack.ContainsKey(program) || d.Id == "AG0010" && KnownGeneratorBugs.Warned.ContainsKey(program)))
            .ToList();
        Assert.Empty(unexpected);
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
    [MemberData(nameof(GeneratedPrograms))]
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
            AssertEachTryFinallyOnce(log);
            Assert.Throws<InvalidOperationException>(() => PollOnce(future));
        }
    }

    /// <summary>
    /// The fallback builder cancels by resuming the machine with <see cref="FutureCanceledException"/>, so catch
    /// blocks may run and log too; what must hold is that each finally entered runs exactly once.
    /// </summary>
    [Theory]
    [MemberData(nameof(DisposableFallbackPrograms))]
    public void Fallback_dispose_at_every_await_runs_each_pending_finally_once(string program)
    {
        var (polls, _) = new ManualPoller().Drive((IFuture<string>)ProgramRunner.Start(Worlds.Fallback, program, new List<string>()), int.MaxValue);
        for (var k = 1; k < polls; k++)
        {
            var log = new List<string>();
            var future = (Future<string>)ProgramRunner.Start(Worlds.Fallback, program, log);
            var (_, finished) = new ManualPoller().Drive(future, k);
            if (finished) continue;

            try
            {
                future.Dispose();
            }
            catch (Exception error) when (error is not FutureCanceledException)
            {
                // A catch block that caught the cancellation threw something else: the program's own business.
            }
            AssertEachTryFinallyOnce(log);
            Assert.Throws<InvalidOperationException>(() => PollOnce(future));
        }
    }

    private static void AssertEachTryFinallyOnce(List<string> log)
    {
        foreach (var entered in log.Where(l => l.StartsWith("try:", StringComparison.Ordinal)).Distinct())
        {
            var name = entered.Substring("try:".Length);
            Assert.Equal(log.Count(l => l == entered), log.Count(l => l == "finally:" + name));
        }
    }

    private static string? ProgramOf(Diagnostic diagnostic) =>
        diagnostic.Location.SourceTree?.GetRoot().FindNode(diagnostic.Location.SourceSpan)
            .AncestorsAndSelf().OfType<TypeDeclarationSyntax>().LastOrDefault()?.Identifier.Text;

    private static void PollOnce(Future<string> future)
    {
        var cx = new Context(Waker.Noop);
        future.Poll(ref cx);
    }
}
