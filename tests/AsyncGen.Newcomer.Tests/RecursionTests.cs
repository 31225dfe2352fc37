namespace AsyncGen.Newcomer.Tests;

/// <summary>
/// Recursive [PollAsync] methods, as a user writes them first: awaiting itself directly, recursing through a spawned
/// task (parallel divide and conquer), and mutual recursion.
/// </summary>
public partial class RecursionTests
{
    public sealed record Node(int Value, Node? Left = null, Node? Right = null);

    [PollAsync]
    public static async Future<int> Fib(int n)
    {
        if (n < 2) return n;
        await Future.Yield();
        return await Fib(n - 1) + await Fib(n - 2);
    }

    private static async Task<int> FibTask(int n)
    {
        if (n < 2) return n;
        await Task.Yield();
        return await FibTask(n - 1) + await FibTask(n - 2);
    }

    [Fact]
    public async Task A_method_awaiting_itself_computes_like_async_Task()
    {
        Assert.Equal(await FibTask(12), Executor.BlockOn(Fib(12)));
    }

    [PollAsync]
    public static async Future<int> SumTree(Node? node)
    {
        if (node is null) return 0;
        var left = Executor.Spawn(SumTree(node.Left));
        var right = Executor.Spawn(SumTree(node.Right));
        return node.Value + await left + await right;
    }

    private static Node Build(int depth, ref int next)
    {
        var value = next++;
        return depth == 0 ? new Node(value) : new Node(value, Build(depth - 1, ref next), Build(depth - 1, ref next));
    }

    [Fact]
    public void Recursion_through_spawned_tasks_sums_a_tree_on_both_executors()
    {
        int next = 1;
        var tree = Build(8, ref next); // 511 nodes: 1..511
        var expected = 511 * 512 / 2;
        using (var local = new LocalExecutor()) Assert.Equal(expected, local.BlockOn(SumTree(tree)));
        using (var pool = new WorkStealingExecutor(2)) Assert.Equal(expected, pool.BlockOn(SumTree(tree)));
    }

    [PollAsync]
    public static async Future<bool> IsEven(int n)
    {
        if (n == 0) return true;
        await Future.Yield();
        return await IsOdd(n - 1);
    }

    [PollAsync]
    public static async Future<bool> IsOdd(int n)
    {
        if (n == 0) return false;
        return await IsEven(n - 1);
    }

    [Fact]
    public void Mutual_recursion_between_two_methods()
    {
        Assert.True(Executor.BlockOn(IsEven(10)));
        Assert.True(Executor.BlockOn(IsOdd(7)));
        Assert.False(Executor.BlockOn(IsOdd(100)));
    }
}
