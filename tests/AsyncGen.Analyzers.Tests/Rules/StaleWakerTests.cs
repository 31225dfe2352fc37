using AsyncGen.Analyzers.Rules;
using AsyncGen.Analyzers.Tests.Verification;

namespace AsyncGen.Analyzers.Tests.Rules;

public sealed class StaleWakerTests : AnalyzerTestBase<StaleWakerAnalyzer>
{
    [Fact]
    public Task Waker_stored_with_coalescing_assignment_is_reported() => VerifyAsync("""
        public sealed class Signal : IFuture<int>
        {
            private Waker? _waker;
            public volatile bool IsSet;

            public Poll<int> Poll(ref Context cx)
            {
                if (IsSet) return Poll<int>.Ready(1);
                {|AG0108:_waker ??= cx.Waker|};
                return Poll<int>.Pending;
            }
        }
        """);

    [Fact]
    public Task Waker_stored_only_when_null_is_reported() => VerifyAsync("""
        public sealed class Signal : IFuture<int>
        {
            private Waker? _waker;

            public Poll<int> Poll(ref Context cx)
            {
                if (_waker is null) {|AG0108:_waker = cx.Waker|};
                return Poll<int>.Pending;
            }
        }
        """);

    [Fact]
    public Task Waker_stored_only_when_the_stored_one_is_noop_is_reported() => VerifyAsync("""
        public sealed class Signal : IFuture<int>
        {
            private Waker _waker;

            public Poll<int> Poll(ref Context cx)
            {
                if (_waker.IsNoop)
                {
                    {|AG0108:_waker = cx.Waker|};
                }
                return Poll<int>.Pending;
            }
        }
        """);

    [Fact]
    public Task Waker_property_stored_only_without_a_value_is_reported() => VerifyAsync("""
        public sealed class Registration
        {
            public Waker? Waker { get; set; }

            public void Register(ref Context context)
            {
                if (!Waker.HasValue) {|AG0108:Waker = context.Waker|};
            }
        }
        """);

    [Fact]
    public Task Waker_stored_on_every_poll_is_not_reported() => VerifyAsync("""
        public sealed class Signal : IFuture<int>
        {
            private Waker _waker;

            public Poll<int> Poll(ref Context cx)
            {
                _waker = cx.Waker;
                return Poll<int>.Pending;
            }
        }
        """);

    [Fact]
    public Task Waker_refreshed_when_it_will_not_wake_the_current_task_is_not_reported() => VerifyAsync("""
        public sealed class Signal : IFuture<int>
        {
            private Waker _waker;

            public Poll<int> Poll(ref Context cx)
            {
                if (!_waker.WillWake(cx.Waker)) _waker = cx.Waker;
                return Poll<int>.Pending;
            }
        }
        """);

    [Fact]
    public Task Waker_refreshed_when_it_differs_is_not_reported() => VerifyAsync("""
        public sealed class Signal : IFuture<int>
        {
            private Waker _waker;

            public Poll<int> Poll(ref Context cx)
            {
                if (_waker != cx.Waker) _waker = cx.Waker;
                return Poll<int>.Pending;
            }
        }
        """);

    [Fact]
    public Task Once_guarded_store_backed_by_a_refresh_in_the_same_body_is_not_reported() => VerifyAsync("""
        public sealed class Signal : IFuture<int>
        {
            private Waker? _waker;
            private int _registrations;

            public Poll<int> Poll(ref Context cx)
            {
                if (_waker is null)
                {
                    _waker = cx.Waker;
                    _registrations++;
                }
                else
                {
                    _waker = cx.Waker;
                }
                return Poll<int>.Pending;
            }
        }
        """);

    [Fact]
    public Task Coalescing_assignment_of_something_other_than_the_context_waker_is_not_reported() => VerifyAsync("""
        public sealed class Holder
        {
            private Waker? _waker;
            private string? _name;

            public void Set(Waker waker, string name)
            {
                _waker ??= waker;
                _name ??= name;
            }
        }
        """);
}
