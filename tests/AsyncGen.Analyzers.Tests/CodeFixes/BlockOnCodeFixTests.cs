using AsyncGen.Analyzers.CodeFixes;
using AsyncGen.Analyzers.Rules;
using AsyncGen.Analyzers.Tests.Verification;

namespace AsyncGen.Analyzers.Tests.CodeFixes;

public sealed class BlockOnCodeFixTests : AnalyzerTestBase<BlockOnInsideFutureAnalyzer>
{
    private const string Demo = TestSources.DelayAddDemo;

    [Fact]
    public Task BlockOn_inside_a_future_body_becomes_an_await() => VerifyFixAsync<BlockOnCodeFixProvider>(Demo + """
        public static partial class Outer
        {
            [PollAsync]
            public static async Future<string> Nested()
            {
                var sum = 1 + {|AG0107:Executor.BlockOn(Demo.DelayAdd(1, 2))|};
                return {|AG0107:Executor.BlockOn(Demo.DelayAdd(sum, 2))|}.ToString();
            }
        }
        """, Demo + """
        public static partial class Outer
        {
            [PollAsync]
            public static async Future<string> Nested()
            {
                var sum = 1 + await Demo.DelayAdd(1, 2);
                return (await Demo.DelayAdd(sum, 2)).ToString();
            }
        }
        """);
}
