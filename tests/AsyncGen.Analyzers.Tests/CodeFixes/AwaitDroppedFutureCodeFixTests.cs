using AsyncGen.Analyzers.CodeFixes;
using AsyncGen.Analyzers.Rules;
using AsyncGen.Analyzers.Tests.Verification;

namespace AsyncGen.Analyzers.Tests.CodeFixes;

public sealed class AwaitDroppedFutureCodeFixTests : AnalyzerTestBase<FutureNeverAwaitedAnalyzer>
{
    [Fact]
    public Task Dropped_and_discarded_futures_in_an_async_body_are_awaited() => VerifyFixAsync<AwaitDroppedFutureCodeFixProvider>("""
        public static partial class Demo
        {
            [PollAsync]
            public static async Future<int> Pause()
            {
                {|AG0106:Time.Sleep(TimeSpan.FromSeconds(1))|};
                _ = {|AG0106:Time.Sleep(TimeSpan.Zero)|}; // a second, shorter pause
                return 0;
            }
        }
        """, """
        public static partial class Demo
        {
            [PollAsync]
            public static async Future<int> Pause()
            {
                await Time.Sleep(TimeSpan.FromSeconds(1));
                await Time.Sleep(TimeSpan.Zero); // a second, shorter pause
                return 0;
            }
        }
        """);

    [Fact]
    public Task Dropped_futures_in_a_sync_Main_run_with_BlockOn() => VerifyFixAsync<AwaitDroppedFutureCodeFixProvider>(TestSources.DelayAddDemo + """
        public static class Program
        {
            public static void Main()
            {
                {|AG0106:Demo.DelayAdd(1, 2)|};
                _ = {|AG0106:Time.Sleep(TimeSpan.Zero)|}; // a pause
            }
        }
        """, TestSources.DelayAddDemo + """
        public static class Program
        {
            public static void Main()
            {
                Executor.BlockOn(Demo.DelayAdd(1, 2));
                Executor.BlockOn(Time.Sleep(TimeSpan.Zero)); // a pause
            }
        }
        """);
}
