namespace AsyncGen.Newcomer.Tests;

/// <summary>
/// Expressions with awaits in the middle, each beside the same code as <c>async Task</c>: tuple deconstruction and
/// swaps, collection expressions with spreads, object initializers, <c>??</c> and <c>??=</c> on fields, local
/// functions capturing locals across awaits, dictionary deconstruction in foreach.
/// </summary>
public partial class ExpressionShapeTests
{
    [PollAsync]
    private static async Future<T> Later<T>(T value)
    {
        await Future.Yield();
        return value;
    }

    private static async Task<T> LaterTask<T>(T value)
    {
        await Task.Yield();
        return value;
    }

    public sealed class Profile
    {
        public string? Name { get; set; }
        public List<int> Scores { get; set; } = [];
        public string? Cached;
    }

    [PollAsync]
    private static async Future<string> Shapes(Profile? missing)
    {
        var (a, b) = (await Later(1), await Later(2));
        (a, b) = (b, await Later(a + 10));
        int[] more = [3, 4];
        List<int> list = [a, .. await Later(more), await Later(b), .. more];
        var profile = new Profile { Name = await Later("ada"), Scores = { await Later(7), 8 } };
        profile.Cached ??= await Later("computed");
        profile.Cached ??= await Later("not again");
        var name = missing?.Name ?? await Later("anonymous");
        int calls = 0;
        int Next() => ++calls + a;
        var first = Next();
        await Future.Yield();
        var second = Next();
        var totals = new Dictionary<string, int> { ["x"] = 1, ["y"] = 2 };
        var parts = new List<string>();
        foreach (var (key, value) in totals)
        {
            parts.Add($"{key}={value + await Later(100)}");
        }
        return $"{a} {b} [{string.Join(",", list)}] {profile.Name} {string.Join(",", profile.Scores)} {profile.Cached} {name} {first} {second} {string.Join(";", parts)}";
    }

    private static async Task<string> ShapesTask(Profile? missing)
    {
        var (a, b) = (await LaterTask(1), await LaterTask(2));
        (a, b) = (b, await LaterTask(a + 10));
        int[] more = [3, 4];
        List<int> list = [a, .. await LaterTask(more), await LaterTask(b), .. more];
        var profile = new Profile { Name = await LaterTask("ada"), Scores = { await LaterTask(7), 8 } };
        profile.Cached ??= await LaterTask("computed");
        profile.Cached ??= await LaterTask("not again");
        var name = missing?.Name ?? await LaterTask("anonymous");
        int calls = 0;
        int Next() => ++calls + a;
        var first = Next();
        await Task.Yield();
        var second = Next();
        var totals = new Dictionary<string, int> { ["x"] = 1, ["y"] = 2 };
        var parts = new List<string>();
        foreach (var (key, value) in totals)
        {
            parts.Add($"{key}={value + await LaterTask(100)}");
        }
        return $"{a} {b} [{string.Join(",", list)}] {profile.Name} {string.Join(",", profile.Scores)} {profile.Cached} {name} {first} {second} {string.Join(";", parts)}";
    }

    [Fact]
    public async Task Tuples_collections_initializers_coalescing_and_local_functions_match_async_Task()
    {
        Assert.Equal(await ShapesTask(null), Executor.BlockOn(Shapes(null)));
        Assert.Equal(await ShapesTask(new Profile()), Executor.BlockOn(Shapes(new Profile())));
    }

    [PollAsync]
    private static async Future Log(List<string> log, string text) => log.Add(await Later(text));

    [PollAsync]
    private static async Future<int> EarlyReturnInUsingInLoop(List<string> log)
    {
        foreach (var n in new[] { 1, 2, 3 })
        {
            using var scope = new Scope(log, n);
            await Log(log, $"work {n}");
            if (n == 2) return n;
        }
        return -1;
    }

    private sealed class Scope(List<string> log, int n) : IDisposable
    {
        public void Dispose() => log.Add($"dispose {n}");
    }

    [Fact]
    public void An_expression_bodied_void_future_and_an_early_return_from_a_using_in_a_loop()
    {
        var log = new List<string>();
        Assert.Equal(2, Executor.BlockOn(EarlyReturnInUsingInLoop(log)));
        Assert.Equal(["work 1", "dispose 1", "work 2", "dispose 2"], log);
    }
}
