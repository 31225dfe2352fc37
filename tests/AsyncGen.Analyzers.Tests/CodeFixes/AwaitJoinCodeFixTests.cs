using AsyncGen.Analyzers.CodeFixes;
using AsyncGen.Analyzers.Rules;
using AsyncGen.Analyzers.Tests.Verification;

namespace AsyncGen.Analyzers.Tests.CodeFixes;

public sealed class AwaitJoinCodeFixTests : AnalyzerTestBase<FutureIdleDuringAwaitAnalyzer>
{
    [Fact]
    public Task Awaits_in_one_statement_become_a_join_before_it() => VerifyFixAsync<AwaitJoinCodeFixProvider>(TestSources.DelayAddDemo + """
        public static partial class Outer
        {
            [PollAsync]
            public static async Future<int> Both()
            {
                var a = Demo.DelayAdd(1, 2);
                var b = Demo.DelayAdd(3, 4);
                return await a + {|AG0110:await b|};
            }
        }
        """, TestSources.DelayAddDemo + """
        public static partial class Outer
        {
            [PollAsync]
            public static async Future<int> Both()
            {
                var a = Demo.DelayAdd(1, 2);
                var b = Demo.DelayAdd(3, 4);
                var (aResult, bResult) = await Future.Join(a, b);
                return aResult + bResult;
            }
        }
        """);

    [Fact]
    public Task Consecutive_awaits_into_locals_become_one_deconstructed_join() => VerifyFixAsync<AwaitJoinCodeFixProvider>(TestSources.DelayAddDemo + """
        public static partial class Outer
        {
            public static async Future<int> Both()
            {
                var a = Demo.DelayAdd(1, 2);
                var b = Demo.DelayAdd(3, 4);
                var x = await a;
                var y = {|AG0110:await b|};
                return x + y;
            }
        }
        """, TestSources.DelayAddDemo + """
        public static partial class Outer
        {
            public static async Future<int> Both()
            {
                var a = Demo.DelayAdd(1, 2);
                var b = Demo.DelayAdd(3, 4);
                var (x, y) = await Future.Join(a, b);
                return x + y;
            }
        }
        """);
}
