using AsyncGen.Analyzers.CodeFixes;
using AsyncGen.Analyzers.Rules;
using AsyncGen.Analyzers.Tests.Verification;

namespace AsyncGen.Analyzers.Tests.CodeFixes;

public sealed class AwaitFutureAsTaskCodeFixTests : AnalyzerTestBase<FutureAwaitedOutsideFutureAnalyzer>
{
    [Fact]
    public Task Future_awaited_in_Task_code_is_awaited_through_AsTask() => VerifyFixAsync<AwaitFutureAsTaskCodeFixProvider>(TestSources.DelayAddDemo + """
        public static class Program
        {
            public static async Task Main(string[] args)
            {
                int sum = {|AG0109:await Demo.DelayAdd(1, 2)|}; // the quick start's call
                {|AG0109:await (args.Length > 0 ? Time.Sleep(TimeSpan.Zero) : Time.Sleep(TimeSpan.FromMilliseconds(1)))|};
                Console.WriteLine(sum);
            }
        }
        """, TestSources.DelayAddDemo + """
        public static class Program
        {
            public static async Task Main(string[] args)
            {
                int sum = await Demo.DelayAdd(1, 2).AsTask(); // the quick start's call
                await (args.Length > 0 ? Time.Sleep(TimeSpan.Zero) : Time.Sleep(TimeSpan.FromMilliseconds(1))).AsTask();
                Console.WriteLine(sum);
            }
        }
        """);
}
