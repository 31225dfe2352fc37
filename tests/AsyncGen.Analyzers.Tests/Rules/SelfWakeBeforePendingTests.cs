using AsyncGen.Analyzers.Rules;
using AsyncGen.Analyzers.Tests.Verification;

namespace AsyncGen.Analyzers.Tests.Rules;

public sealed class SelfWakeBeforePendingTests : AnalyzerTestBase<SelfWakeBeforePendingAnalyzer>
{
    [Fact]
    public Task Seed_CounterFuture_with_WakeByRef_before_Pending_is_reported() => VerifyAsync("""
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
                {|AG0103:cx.Waker.WakeByRef()|};
                return Poll<string>.Pending;
            }
        }
        """);

    [Fact]
    public Task Future_that_always_wakes_itself_is_reported() => VerifyAsync("""
        public sealed class Spinner : IFuture<int>
        {
            public Poll<int> Poll(ref Context cx)
            {
                {|AG0103:cx.Waker.Wake()|};
                return Poll<int>.Pending;
            }
        }
        """);

    [Fact]
    public Task Plain_statements_between_the_wake_and_Pending_do_not_hide_it() => VerifyAsync("""
        public sealed class Spinner : IFuture<int>
        {
            private int _spins;

            public Poll<int> Poll(ref Context cx)
            {
                if (_spins > 100) return Poll<int>.Ready(_spins);
                {|AG0103:cx.Waker.WakeByRef()|};
                var next = _spins + 1;
                _spins = next;
                return Poll<int>.Pending;
            }
        }
        """);

    [Fact]
    public Task Self_wake_in_a_switch_section_is_reported() => VerifyAsync("""
        public sealed class Stepper : IFuture<int>
        {
            private int _step;

            public Poll<int> Poll(ref Context context)
            {
                switch (_step++)
                {
                    case 0:
                    case 1:
                        {|AG0103:context.Waker.Wake()|};
                        return Poll<int>.Pending;
                    default:
                        return Poll<int>.Ready(_step);
                }
            }
        }
        """);

    [Fact]
    public Task Conditional_wake_after_a_readiness_recheck_is_not_reported() => VerifyAsync("""
        public sealed class Signal : IFuture<int>
        {
            public volatile bool IsSet;
            private bool _raced;

            public Poll<int> Poll(ref Context cx)
            {
                if (IsSet) return Poll<int>.Ready(1);
                if (_raced) cx.Waker.Wake();
                return Poll<int>.Pending;
            }
        }
        """);

    [Fact]
    public Task Self_wake_in_a_future_that_also_registers_its_waker_is_not_reported() => VerifyAsync("""
        public sealed class Budgeted(IFuture<int> inner) : IFuture<int>
        {
            private int _budget = 128;

            public Poll<int> Poll(ref Context cx)
            {
                if (--_budget == 0)
                {
                    _budget = 128;
                    cx.Waker.WakeByRef();
                    return Poll<int>.Pending;
                }
                return inner.Poll(ref cx);
            }
        }
        """);

    [Fact]
    public Task Wake_of_a_stored_waker_is_not_reported() => VerifyAsync("""
        public sealed class Forwarder : IFuture<int>
        {
            private Waker _other;
            private Waker _mine;

            public Poll<int> Poll(ref Context cx)
            {
                _other.Wake();
                _mine = cx.Waker;
                return Poll<int>.Pending;
            }
        }
        """);

    [Fact]
    public Task Self_wake_followed_by_Ready_is_not_reported() => VerifyAsync("""
        public sealed class Eager : IFuture<int>
        {
            public Poll<int> Poll(ref Context cx)
            {
                cx.Waker.Wake();
                return Poll<int>.Ready(1);
            }
        }
        """);

    [Fact]
    public Task CounterFuture_without_any_wake_is_left_to_AG0102() => VerifyAsync("""
        public struct CounterFuture : IFuture<string>
        {
            private uint _count;

            public Poll<string> Poll(ref Context cx)
            {
                if (_count >= 3) return Poll<string>.Ready("done");
                _count++;
                return Poll<string>.Pending;
            }
        }
        """);
}
