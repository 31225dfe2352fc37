using AsyncGen.Analyzers.Rules;
using AsyncGen.Analyzers.Tests.Verification;

namespace AsyncGen.Analyzers.Tests.Rules;

public sealed class PendingWithoutWakerTests : AnalyzerTestBase<PendingWithoutWakerAnalyzer>
{
    [Fact]
    public Task Seed_CounterFuture_returns_Pending_without_a_waker() => VerifyAsync("""
        public struct CounterFuture : IFuture<string>
        {
            private uint _count;
            private readonly uint _max;

            public CounterFuture(uint max) => _max = max;

            public Poll<string> Poll(ref Context cx)
            {
                if (_count >= _max)
                {
                    return Poll<string>.Ready($"Done at {_count}");
                }
                _count++;
                // Wake only if needed (e.g. after an external event).
                return {|AG0102:Poll<string>.Pending|};
            }
        }
        """);

    [Fact]
    public Task Registration_in_one_branch_does_not_cover_Pending_in_the_other() => VerifyAsync("""
        public sealed class Flaky : IFuture<int>
        {
            private bool _interested;
            private Waker _waker;

            public Poll<int> Poll(ref Context cx)
            {
                if (_interested) _waker = cx.Waker;
                return {|AG0102:Poll<int>.Pending|};
            }
        }
        """);

    [Fact]
    public Task Expression_bodied_Poll_that_is_always_Pending_is_reported() => VerifyAsync("""
        public sealed class Never : IFuture<int>
        {
            Poll<int> IFuture<int>.Poll(ref Context cx) => {|AG0102:Poll<int>.Pending|};
        }
        """);

    [Fact]
    public Task Pending_arm_of_a_conditional_expression_is_reported() => VerifyAsync("""
        public sealed class Flag : IFuture<bool>
        {
            public volatile bool IsSet;

            public Poll<bool> Poll(ref Context cx) => IsSet ? Poll<bool>.Ready(true) : {|AG0102:Poll<bool>.Pending|};
        }
        """);

    [Fact]
    public Task Pending_when_the_waker_is_only_compared_is_reported() => VerifyAsync("""
        public sealed class Comparing : IFuture<int>
        {
            private Waker _waker;

            public Poll<int> Poll(ref Context cx)
            {
                if (_waker.WillWake(cx.Waker)) return Poll<int>.Ready(0);
                return {|AG0102:Poll<int>.Pending|};
            }
        }
        """);

    [Fact]
    public Task Waker_stored_into_a_field_before_Pending_is_not_reported() => VerifyAsync("""
        public sealed class Signal : IFuture<int>
        {
            private Waker _waker;
            public volatile bool IsSet;

            public Poll<int> Poll(ref Context cx)
            {
                if (IsSet) return Poll<int>.Ready(1);
                _waker = cx.Waker;
                if (IsSet) return Poll<int>.Ready(1); // re-check: a set racing with the store is not lost
                return Poll<int>.Pending;
            }
        }
        """);

    [Fact]
    public Task Child_polled_with_the_context_is_not_reported() => VerifyAsync("""
        public struct Doubled<TInner> : IFuture<int> where TInner : IFuture<int>
        {
            private TInner _inner;

            public Doubled(TInner inner) => _inner = inner;

            public Poll<int> Poll(ref Context cx)
            {
                var inner = _inner.Poll(ref cx);
                if (inner.IsPending) return Poll<int>.Pending;
                return Poll<int>.Ready(inner.Value * 2);
            }
        }
        """);

    [Fact]
    public Task Waker_handed_to_a_registration_api_is_not_reported() => VerifyAsync("""
        public sealed class TaskFuture(Task<int> task) : IFuture<int>
        {
            private readonly AwaiterWakeRelay _relay = new();

            public Poll<int> Poll(ref Context cx)
            {
                var awaiter = task.GetAwaiter();
                if (awaiter.IsCompleted) return Poll<int>.Ready(awaiter.GetResult());
                _relay.Register(ref awaiter, cx.Waker);
                return Poll<int>.Pending;
            }
        }
        """);

    [Fact]
    public Task Self_wake_before_Pending_is_left_to_AG0103() => VerifyAsync("""
        public sealed class YieldOnce : IFuture<int>
        {
            private bool _yielded;

            public Poll<int> Poll(ref Context cx)
            {
                if (_yielded) return Poll<int>.Ready(0);
                _yielded = true;
                cx.Waker.WakeByRef();
                return Poll<int>.Pending;
            }
        }
        """);

    [Fact]
    public Task Pending_propagated_from_a_child_poll_result_is_not_reported() => VerifyAsync("""
        public sealed class Mapped(IFuture<int> inner) : IFuture<string>
        {
            public Poll<string> Poll(ref Context cx) =>
                inner.Poll(ref cx) is { IsReady: true } ready ? Poll<string>.Ready(ready.Value.ToString()) : Poll<string>.Pending;
        }
        """);

    [Fact]
    public Task Children_polled_in_a_loop_cover_the_Pending_after_it() => VerifyAsync("""
        public sealed class JoinAll(IFuture<int>[] children) : IFuture<int>
        {
            public Poll<int> Poll(ref Context cx)
            {
                var ready = true;
                for (var i = 0; i < children.Length; i++) ready &= children[i].Poll(ref cx).IsReady;
                if (!ready) return Poll<int>.Pending;
                return Poll<int>.Ready(children.Length);
            }
        }
        """);

    [Fact]
    public Task Wake_and_Pending_under_the_same_boolean_test_are_not_reported() => VerifyAsync("""
        public sealed class CountedYields(int times) : IFuture<int>
        {
            private int _polls;

            public Poll<int> Poll(ref Context cx)
            {
                _polls++;
                bool done = _polls > times;
                if (!done) cx.Waker.Wake();
                return done ? Poll<int>.Ready(_polls) : Poll<int>.Pending;
            }
        }
        """);
}
