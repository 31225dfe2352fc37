using AsyncGen.Analyzers.CodeFixes;
using AsyncGen.Analyzers.Rules;
using AsyncGen.Analyzers.Tests.Verification;

namespace AsyncGen.Analyzers.Tests.CodeFixes;

public sealed class SealOverrideCodeFixTests : AnalyzerTestBase<VirtualPollAsyncMethodAnalyzer>
{
    [Fact]
    public Task An_override_that_is_not_sealed_becomes_a_sealed_override() => VerifyFixAsync<SealOverrideCodeFixProvider>("""
        public partial class Dog : Animal
        {
            [PollAsync]
            public override async Future<string> {|AG0112:Speak|}() { await Future.Yield(); return "woof"; }

            [PollAsync]
            override protected async Future<string> {|AG0112:Bark|}() { await Future.Yield(); return "WOOF"; }
        }

        // The base's own report has no fix (a virtual method cannot be sealed); not restored: the test
        // framework re-runs every case inside a disabling pragma.
        #pragma warning disable AG0112
        public partial class Animal
        {
            [PollAsync]
            public virtual async Future<string> Speak() { await Future.Yield(); return "..."; }

            [PollAsync]
            protected virtual async Future<string> Bark() { await Future.Yield(); return "!"; }
        }
        """, """
        public partial class Dog : Animal
        {
            [PollAsync]
            public sealed override async Future<string> Speak() { await Future.Yield(); return "woof"; }

            [PollAsync]
            sealed override protected async Future<string> Bark() { await Future.Yield(); return "WOOF"; }
        }

        // The base's own report has no fix (a virtual method cannot be sealed); not restored: the test
        // framework re-runs every case inside a disabling pragma.
        #pragma warning disable AG0112
        public partial class Animal
        {
            [PollAsync]
            public virtual async Future<string> Speak() { await Future.Yield(); return "..."; }

            [PollAsync]
            protected virtual async Future<string> Bark() { await Future.Yield(); return "!"; }
        }
        """);
}
