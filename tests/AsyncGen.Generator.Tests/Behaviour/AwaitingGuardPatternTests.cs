namespace AsyncGen.Generator.Tests.Behaviour;

/// <summary>
/// A flattened switch (src/Generator/README.md, "A case label whose when clause awaits") tests the labels after an
/// awaiting guard after that await, on the stored switched value. C#'s decision DAG of an <c>async Task</c> method
/// reads a property once, before the guard runs, and the labels after it test that read even though the guard
/// changed the property: the generated machine keeps the read in a field (<c>Rewriting/PatternReads</c>) and gives
/// C#'s answer, "default 2" (it gave "v2" before, reading the property again).
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
    public void Labels_after_a_failed_awaiting_guard_test_the_property_read_before_the_await()
    {
        Assert.Equal("default 2", Executor.BlockOn(Run(new Box { V = 1 })));
    }
}
