using System.Diagnostics;
using AsyncGen.Runtime.Tests.Support;
using AsyncGen.Runtime.Tests.Sync;

namespace AsyncGen.Runtime.Tests.Combinators;

public class ContextFlowTests
{
    private static readonly AsyncLocal<string?> s_requestId = new();
    private static readonly TaskLocal<string> s_tenant = new();

    private static async Future<string?> ReadRequestIdAfterAYield()
    {
        await Future.Yield();
        return s_requestId.Value;
    }

    [Fact]
    public void AsyncLocal_values_flow_into_a_task_spawned_WithExecutionContext_and_not_without()
    {
        using var executor = new WorkStealingExecutor(1);
        s_requestId.Value = "request-1";
        try
        {
            var flowing = executor.Spawn(ReadRequestIdAfterAYield().WithExecutionContext());
            var plain = executor.Spawn(ReadRequestIdAfterAYield());
            Assert.Equal("request-1", executor.BlockOn(flowing, SyncTestSupport.StallLimit));
            Assert.Null(executor.BlockOn(plain, SyncTestSupport.StallLimit));
        }
        finally
        {
            s_requestId.Value = null;
        }
    }

    [Fact]
    public void An_executor_with_FlowExecutionContext_flows_into_every_spawn_including_Activity_Current()
    {
        using var executor = new WorkStealingExecutor(1) { FlowExecutionContext = true };
        using var activity = new Activity("request").Start();
        s_requestId.Value = "request-2";
        try
        {
            var requestId = executor.Spawn(ReadRequestIdAfterAYield());
            var activityId = executor.Spawn(CurrentActivityIdAfterAYield());
            Assert.Equal("request-2", executor.BlockOn(requestId, SyncTestSupport.StallLimit));
            Assert.Equal(activity.Id, executor.BlockOn(activityId, SyncTestSupport.StallLimit));
        }
        finally
        {
            s_requestId.Value = null;
        }
    }

    private static async Future<string?> CurrentActivityIdAfterAYield()
    {
        await Future.Yield();
        return Activity.Current?.Id;
    }

    private static async Future<string?> SetsThenReadsAcrossPolls(string value)
    {
        s_requestId.Value = value;
        await Future.Yield();
        await Future.Yield();
        return s_requestId.Value;
    }

    [Fact]
    public void A_tasks_own_AsyncLocal_changes_persist_across_its_polls_and_never_leak_to_the_thread_or_other_tasks()
    {
        using var executor = new LocalExecutor();
        var a = executor.Spawn(SetsThenReadsAcrossPolls("a").WithExecutionContext());
        var b = executor.Spawn(SetsThenReadsAcrossPolls("b").WithExecutionContext());
        var observer = executor.Spawn(ReadRequestIdAfterAYield()); // interleaves with a and b on the same thread
        Assert.Equal("a", executor.BlockOn(a, SyncTestSupport.StallLimit));
        Assert.Equal("b", executor.BlockOn(b, SyncTestSupport.StallLimit));
        Assert.Null(executor.BlockOn(observer, SyncTestSupport.StallLimit));
        Assert.Null(s_requestId.Value);
    }

    [Fact]
    public void Polling_WithExecutionContext_allocates_nothing_per_poll()
    {
        s_requestId.Value = "request-3";
        var future = new TrackedFuture<int>(0, pendingPolls: -1).WithExecutionContext();
        s_requestId.Value = null;
        SyncTestSupport.AssertSteadyStateAllocatesNothing(count =>
        {
            var cx = new Context(Waker.Noop);
            for (int i = 0; i < count; i++) Assert.True(future.Poll(ref cx).IsPending);
        });
    }

    private static async Future<string> ReadTenantDeep()
    {
        await Future.Yield();
        return await ReadTenantAgain();
    }

    private static async Future<string> ReadTenantAgain()
    {
        await Future.Yield();
        return s_tenant.Value;
    }

    [Fact]
    public void A_TaskLocal_is_visible_to_everything_the_scoped_future_awaits_and_nowhere_else()
    {
        using var executor = new LocalExecutor();
        var a = executor.Spawn(s_tenant.Scope("tenant-a", ReadTenantDeep()));
        var b = executor.Spawn(s_tenant.Scope("tenant-b", ReadTenantDeep()));
        Assert.Equal("tenant-a", executor.BlockOn(a, SyncTestSupport.StallLimit));
        Assert.Equal("tenant-b", executor.BlockOn(b, SyncTestSupport.StallLimit));
        Assert.False(s_tenant.TryGetValue(out _));
        var error = Assert.Throws<InvalidOperationException>(() => s_tenant.Value);
        Assert.Contains("Scope(value, future)", error.Message);
    }

    private static async Future<string> OuterThenInner(List<string> seen)
    {
        seen.Add(s_tenant.Value);
        var inner = await s_tenant.Scope("inner", ReadTenantAgain());
        seen.Add(inner);
        seen.Add(s_tenant.Value);
        return inner;
    }

    [Fact]
    public void Nested_TaskLocal_scopes_shadow_and_restore()
    {
        var seen = new List<string>();
        Executor.BlockOn(s_tenant.Scope("outer", OuterThenInner(seen)), SyncTestSupport.StallLimit);
        Assert.Equal(["outer", "inner", "outer"], seen);
    }

    private static async Future<int> FinallyReadsTenant(List<string> seen)
    {
        try
        {
            await Time.Sleep(Timeout.InfiniteTimeSpan);
            return 0;
        }
        finally
        {
            seen.Add(s_tenant.TryGetValue(out var tenant) ? tenant : "(none)");
        }
    }

    [Fact]
    public void Disposing_a_TaskLocal_scope_runs_the_inner_cleanup_with_the_value_set()
    {
        var seen = new List<string>();
        using var executor = new LocalExecutor();
        var task = executor.Spawn(s_tenant.Scope("tenant-c", FinallyReadsTenant(seen)));
        executor.BlockOn(Future.Yield(), SyncTestSupport.StallLimit); // the task starts and parks
        task.Abort();
        Assert.Throws<OperationCanceledException>(() => executor.BlockOn(task, SyncTestSupport.StallLimit));
        Assert.Equal(["tenant-c"], seen);
    }

    [Fact]
    public void Polling_a_TaskLocal_scope_allocates_nothing_per_poll()
    {
        var future = s_tenant.Scope("tenant-d", new TrackedFuture<int>(0, pendingPolls: -1));
        SyncTestSupport.AssertSteadyStateAllocatesNothing(count =>
        {
            var cx = new Context(Waker.Noop);
            for (int i = 0; i < count; i++) Assert.True(future.Poll(ref cx).IsPending);
        });
    }
}
