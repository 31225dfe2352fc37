namespace AsyncGen.Newcomer.Tests;

/// <summary>
/// The shape newcomers write first: a class keeps its helper types private (a record for a work item, an enum for a
/// state, a struct for a tally) and its [PollAsync] methods take and return them. Those calls used to be AG0009
/// ("declare the type internal"); now they are intercepted by members of the class itself. This project builds in
/// strict mode, so any call left on the fallback would fail the build, and the run-time switch would throw.
/// </summary>
public partial class PrivateNestedTypeTests
{
    private sealed record Chunk(int Index, string Text);

    private enum Stage { Queued, Fetched, Parsed }

    private struct Tally
    {
        public int Chunks;
        public int Characters;
    }

    [PollAsync]
    private static async Future<Chunk> Fetch(int index)
    {
        await Future.Yield();
        return new Chunk(index, "chunk-" + index);
    }

    [PollAsync]
    private static async Future<(Stage Stage, Tally Tally)> Parse(IReadOnlyList<Chunk> chunks)
    {
        var tally = default(Tally);
        foreach (var chunk in chunks)
        {
            await Future.Yield();
            tally.Chunks++;
            tally.Characters += chunk.Text.Length;
        }
        return (Stage.Parsed, tally);
    }

    [PollAsync]
    private async Future<List<Chunk>> FetchAll(int count)
    {
        var chunks = new List<Chunk>();
        for (var i = 0; i < count; i++) chunks.Add(await Fetch(i));
        _fetched += count;
        return chunks;
    }

    private int _fetched;

    [Fact]
    public void Methods_taking_and_returning_private_types_are_intercepted_from_plain_code()
    {
        var fetch = Fetch(7);
        Assert.StartsWith("FutureBox", fetch.GetType().Name, StringComparison.Ordinal);
        Assert.Equal(new Chunk(7, "chunk-7"), Executor.BlockOn(fetch));

        var chunks = Executor.BlockOn(FetchAll(3));
        Assert.Equal(3, _fetched);
        var (stage, tally) = Executor.BlockOn(Parse(chunks));
        Assert.Equal(Stage.Parsed, stage);
        Assert.Equal(3, tally.Chunks);
        Assert.Equal(21, tally.Characters);
    }

    [Fact]
    public void Spawned_on_an_executor_they_run_as_generated_machines()
    {
        using var executor = new LocalExecutor();
        var first = executor.Spawn(Fetch(1));
        var all = executor.Spawn(FetchAll(2));
        executor.Run();
        Assert.Equal("chunk-1", executor.BlockOn(first).Text);
        Assert.Equal(2, executor.BlockOn(all).Count);
    }

    private sealed class Pipeline
    {
        // A plain nested class (not partial) that sees the private types calls the outer class's methods.
        public Future<Chunk> Next(int index) => Fetch(index);
    }

    [Fact]
    public void A_nested_helper_class_calls_them_too()
    {
        var next = new Pipeline().Next(4);
        Assert.StartsWith("FutureBox", next.GetType().Name, StringComparison.Ordinal);
        Assert.Equal(4, Executor.BlockOn(next).Index);
    }
}
