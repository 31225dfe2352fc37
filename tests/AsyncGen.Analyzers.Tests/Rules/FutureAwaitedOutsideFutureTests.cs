using AsyncGen.Analyzers.Rules;
using AsyncGen.Analyzers.Tests.Verification;

namespace AsyncGen.Analyzers.Tests.Rules;

public sealed class FutureAwaitedOutsideFutureTests : AnalyzerTestBase<FutureAwaitedOutsideFutureAnalyzer>
{
    private const string Demo = TestSources.DelayAddDemo;

    [Fact]
    public Task Future_awaited_in_an_async_Task_method_is_reported() => VerifyAsync(Demo + """
        public static class Program
        {
            public static async Task Main()
            {
                int sum = {|AG0109:await Demo.DelayAdd(1, 2)|};
                Console.WriteLine(sum);
            }
        }
        """);

    [Fact]
    public Task Future_awaited_in_top_level_statements_is_reported() => VerifyProgramAsync("""
        int sum = {|AG0109:await Demo.DelayAdd(1, 2)|};
        Console.WriteLine(sum);
        """ + Demo);

    [Fact]
    public Task Struct_future_awaited_in_a_ValueTask_local_function_and_a_Task_lambda_is_reported() => VerifyAsync("""
        public static class Program
        {
            public static void Main()
            {
                async ValueTask Pause() => {|AG0109:await Time.Sleep(TimeSpan.Zero)|};
                Func<Task> later = async () => {|AG0109:await Time.Sleep(TimeSpan.Zero)|};
                _ = Pause();
                _ = later();
            }
        }
        """);

    [Fact]
    public Task Await_in_a_PollAsync_or_async_Future_method_or_lambda_is_not_reported() => VerifyAsync(Demo + """
        public static partial class Outer
        {
            [PollAsync]
            public static async Future<int> Generated() => await Demo.DelayAdd(1, 2);

            public static async Future<int> Fallback() => await Demo.DelayAdd(1, 2);

            public static Func<Future<int>> Lambda() => async () => await Demo.DelayAdd(1, 2);
        }
        """);

    [Fact]
    public Task Tasks_and_AsTask_awaited_in_Task_code_are_not_reported() => VerifyAsync(Demo + """
        public static class Program
        {
            public static async Task Main()
            {
                await Task.Delay(1);
                int sum = await Demo.DelayAdd(1, 2).AsTask();
                using var executor = new LocalExecutor();
                await executor.SpawnAsTask(Demo.DelayAdd(sum, 1));
            }
        }
        """);
}
