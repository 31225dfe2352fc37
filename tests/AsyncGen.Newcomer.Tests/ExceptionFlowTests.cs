using System.Runtime.CompilerServices;

namespace AsyncGen.Newcomer.Tests;

/// <summary>
/// An exception thrown three awaits deep in a task, seen where a user looks for it: at <c>await handle</c> in the
/// parent task, at <c>BlockOn</c>, and in Task code through <c>AsTask</c> — the same type and object, with a stack
/// trace that names the method that threw, as with <c>async Task</c>.
/// </summary>
public partial class ExceptionFlowTests
{
    public sealed class OrderRejectedException(string message) : Exception(message);

    [PollAsync]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Future<int> ValidateOrder(int quantity)
    {
        await Future.Yield();
        if (quantity > 10) throw new OrderRejectedException($"quantity {quantity} is over the limit");
        return quantity;
    }

    [PollAsync]
    private static async Future<int> PriceOrder(int quantity)
    {
        await Future.Yield();
        int checkedQuantity = await ValidateOrder(quantity);
        return checkedQuantity * 5;
    }

    [PollAsync]
    private static async Future<int> PlaceOrder(int quantity)
    {
        int price = await PriceOrder(quantity);
        await Future.Yield();
        return price;
    }

    /// <summary>The parent joins a spawned child whose call tree throws, catches, and reports what it saw.</summary>
    [PollAsync]
    private static async Future<string> ParentCatchingAtJoin(int quantity)
    {
        var child = Executor.Spawn(PlaceOrder(quantity));
        try
        {
            return $"ok {await child}";
        }
        catch (OrderRejectedException error)
        {
            return $"rejected: {error.Message}";
        }
    }

    [PollAsync]
    private static async Future<int> ParentNotCatching(int quantity)
    {
        var child = Executor.Spawn(PlaceOrder(quantity));
        return await child + 1;
    }

    [Fact]
    public void The_parent_catches_the_childs_exception_at_the_join_on_both_executors()
    {
        Assert.Equal("ok 15", Executor.BlockOn(ParentCatchingAtJoin(3)));
        Assert.Equal("rejected: quantity 11 is over the limit", Executor.BlockOn(ParentCatchingAtJoin(11)));
        using var executor = new WorkStealingExecutor(2);
        Assert.Equal("rejected: quantity 12 is over the limit", executor.BlockOn(ParentCatchingAtJoin(12)));
    }

    [Fact]
    public void BlockOn_rethrows_the_deep_exception_with_the_throwing_method_in_its_stack_trace()
    {
        var error = Assert.Throws<OrderRejectedException>(() => Executor.BlockOn(ParentNotCatching(20)));
        Assert.Contains(nameof(ValidateOrder), error.StackTrace);
        Assert.Contains(nameof(ExceptionFlowTests) + ".cs", error.StackTrace);
    }

    [Fact]
    public void WorkStealing_BlockOn_rethrows_the_deep_exception_from_a_worker_thread()
    {
        using var executor = new WorkStealingExecutor(2);
        var error = Assert.Throws<OrderRejectedException>(() => executor.BlockOn(ParentNotCatching(20)));
        Assert.Contains(nameof(ValidateOrder), error.StackTrace);
    }

    [Fact]
    public async Task AsTask_faults_with_the_same_exception_type_as_the_equivalent_async_Task()
    {
        async Task<int> PlaceOrderAsTask(int quantity)
        {
            await Task.Yield();
            if (quantity > 10) throw new OrderRejectedException($"quantity {quantity} is over the limit");
            return quantity * 5;
        }

        var expected = await Assert.ThrowsAsync<OrderRejectedException>(() => PlaceOrderAsTask(30));
        var actual = await Assert.ThrowsAsync<OrderRejectedException>(() => PlaceOrder(30).AsTask());
        Assert.Equal(expected.Message, actual.Message);

        using var executor = new WorkStealingExecutor(2);
        var spawned = await Assert.ThrowsAsync<OrderRejectedException>(() => executor.SpawnAsTask(ParentNotCatching(30)));
        Assert.Equal(expected.Message, spawned.Message);
    }

    [Fact]
    public void An_exception_before_the_first_await_surfaces_at_the_await_not_at_the_call()
    {
        // As with async Task: calling the method does not throw; the exception is in the future.
        var future = ValidateOrderEagerThrow(99);
        Assert.Throws<ArgumentOutOfRangeException>(() => Executor.BlockOn(future));
    }

    [PollAsync]
    private static async Future<int> ValidateOrderEagerThrow(int quantity)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quantity, 10);
        await Future.Yield();
        return quantity;
    }

    [Fact]
    public void Awaiting_a_handle_whose_task_was_aborted_throws_OperationCanceledException()
    {
        Assert.True(Executor.BlockOn(AbortThenJoin()));
    }

    [PollAsync]
    private static async Future<bool> AbortThenJoin()
    {
        var child = Executor.Spawn(Time.Sleep(Timeout.InfiniteTimeSpan).AsFuture());
        await Future.Yield();
        child.Abort();
        try
        {
            await child;
            return false;
        }
        catch (OperationCanceledException)
        {
            return child.IsCompleted;
        }
    }
}
