using AsyncGen.Analyzers.CodeFixes;
using AsyncGen.Analyzers.Rules;
using AsyncGen.Analyzers.Tests.Verification;

namespace AsyncGen.Analyzers.Tests.CodeFixes;

public sealed class StaleWakerCodeFixTests : AnalyzerTestBase<StaleWakerAnalyzer>
{
    [Fact]
    public Task Coalescing_store_becomes_a_store_on_every_poll() => VerifyFixAsync<StaleWakerCodeFixProvider>("""
        public sealed class Signal : IFuture<int>
        {
            private Waker? _waker;

            public Poll<int> Poll(ref Context cx)
            {
                {|AG0108:_waker ??= cx.Waker|};
                return Poll<int>.Pending;
            }
        }
        """, """
        public sealed class Signal : IFuture<int>
        {
            private Waker? _waker;

            public Poll<int> Poll(ref Context cx)
            {
                _waker = cx.Waker;
                return Poll<int>.Pending;
            }
        }
        """);

    [Fact]
    public Task Emptiness_guard_around_the_store_is_removed() => VerifyFixAsync<StaleWakerCodeFixProvider>("""
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
        """, """
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
}
