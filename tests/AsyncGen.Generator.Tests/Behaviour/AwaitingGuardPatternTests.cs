namespace AsyncGen.Generator.Tests.Behaviour;

/// <summary>
/// The documented difference of a flattened switch (src/Generator/README.md, "A case label whose when clause
/// awaits"): the labels after an awaiting guard are tested after that await, on the stored switched value, so a
/// property pattern reads the property again and sees what the guard (or any task, during the suspension) changed.
/// C#'s decision DAG of an <c>async Task</c> method reads it once before any guard runs (here: "default 2"); the
/// C# specification leaves the number of such reads unspecified. This test pins the generated behaviour, so that a
/// change of the lowering (testing every pattern before the first guard) is a visible decision.
/// </summary>
public partial class AwaitingGuardPatternTests
{
    public sealed class Box { public int V; }

    [PollAsync]
    private static async Future<bool> Mutate(Box b)
    {
        await Future.Yield();
        b.V = 2;
        return false;
    }

    [PollAsync]
    private static async Future<string> Run(Box b)
    {
        switch (b)
        {
            case { V: 1 } when await Mutate(b): return "v1";
            case { V: 2 }: return "v2";
            default: return "default " + b.V;
        }
    }

    [Fact]
    public void Labels_after_a_failed_awaiting_guard_test_their_property_patterns_after_the_await()
    {
        // The fallback builder (C#'s own machine) would return "default 2": "v2" is the generated machine's answer.
        Assert.Equal("v2", Executor.BlockOn(Run(new Box { V = 1 })));
    }
}
