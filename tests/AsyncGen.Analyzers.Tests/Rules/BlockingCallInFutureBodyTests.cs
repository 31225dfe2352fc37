using AsyncGen.Analyzers.Rules;
using AsyncGen.Analyzers.Tests.Verification;

namespace AsyncGen.Analyzers.Tests.Rules;

public sealed class BlockingCallInFutureBodyTests : AnalyzerTestBase<BlockingCallInFutureBodyAnalyzer>
{
    [Fact]
    public Task Thread_Sleep_in_PollAsync_body_is_reported() => VerifyAsync("""
        public static partial class Demo
        {
            [PollAsync]
            public static async Future<int> DelayAdd(int a, int b)
            {
                {|AG0100:Thread.Sleep(2000)|};
                await Time.Sleep(TimeSpan.FromSeconds(1));
                return a + b;
            }
        }
        """);
}
