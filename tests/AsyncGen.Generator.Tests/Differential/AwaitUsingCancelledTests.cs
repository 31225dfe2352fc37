namespace AsyncGen.Generator.Tests.Differential;

/// <summary>
/// A generated machine disposed while suspended inside <c>await using</c> resources disposes them as the fallback
/// builder does (the C# compiler's machine unwound by cancellation): the same resources, finally blocks and
/// <c>using</c> disposals, in the same order (innermost first), each once, and nothing more if it is disposed again.
/// </summary>
public class AwaitUsingCancelledTests
{
    public static TheoryData<string> Programs => new(ProgramSet.Names.Where(n => n.StartsWith("P_AwaitUsingCancel", StringComparison.Ordinal)));

    private static CompiledWorlds Worlds => CompiledWorlds.Instance.Value;

    [Fact]
    public void There_are_await_using_cancellation_programs() => Assert.True(ProgramSet.Names.Count(n => n.StartsWith("P_AwaitUsingCancel", StringComparison.Ordinal)) >= 4);

    [Theory]
    [MemberData(nameof(Programs))]
    public void Dispose_at_every_await_runs_the_cleanup_of_the_fallback_builder_in_its_order(string program)
    {
        var (polls, _) = new ManualPoller().Drive((IFuture<string>)ProgramRunner.Start(Worlds.Generated, program, new List<string>()), int.MaxValue);
        Assert.True(polls > 2, $"{program} should suspend several times");
        for (var k = 1; k < polls; k++)
        {
            var generated = DisposeAfter(Worlds.Generated, program, k);
            var fallback = DisposeAfter(Worlds.Fallback, program, k);
            Assert.Equal(fallback, generated);
            Assert.DoesNotContain(generated, line => line.EndsWith(" again", StringComparison.Ordinal));
        }
    }

    /// <summary>The log after <paramref name="polls"/> polls, a Dispose, and a second Dispose (a no-op).</summary>
    private static List<string> DisposeAfter(System.Reflection.Assembly world, string program, int polls)
    {
        var log = new List<string>();
        var future = (Future<string>)ProgramRunner.Start(world, program, log);
        var (_, finished) = new ManualPoller().Drive(future, polls);
        Assert.False(finished);
        log.Add("-- dispose --");
        future.Dispose();
        future.Dispose();
        return log;
    }
}
