using AsyncGen.Analyzers.Rules;
using AsyncGen.Analyzers.Tests.Verification;

namespace AsyncGen.Analyzers.Tests.Rules;

public sealed class FallbackLambdaTests : AnalyzerTestBase<FallbackLambdaAnalyzer>
{
    [Fact]
    public Task Async_lambdas_and_anonymous_methods_returning_Future_are_reported() => VerifyAsync("""
        public static class Program
        {
            public static void Main()
            {
                Func<Future<int>> lambda = {|AG0111:async|} () => { await Future.Yield(); return 1; };
                Func<int, Future> parameter = {|AG0111:async|} n => await Future.Yield();
                Func<Future> anonymous = {|AG0111:async|} delegate { await Future.Yield(); };
                _ = lambda; _ = parameter; _ = anonymous;
            }
        }
        """);

    [Fact]
    public Task Async_local_functions_returning_Future_are_reported() => VerifyAsync("""
        public static class Program
        {
            public static Future<int> Outer()
            {
                return Helper();

                async Future<int> {|AG0111:Helper|}()
                {
                    await Future.Yield();
                    return 2;
                }
            }
        }
        """);

    [Fact]
    public Task Task_lambdas_sync_lambdas_calling_PollAsync_methods_and_PollAsync_local_functions_are_not_reported() => VerifyAsync("""
        public static partial class Program
        {
            [PollAsync]
            public static async Future<int> Double(int n) { await Future.Yield(); return n * 2; }

            public static void Main()
            {
                Func<Task<int>> task = async () => { await Task.Yield(); return 1; };
                Func<int, Future<int>> call = n => Double(n);
                _ = task; _ = call;
                Local();

                [PollAsync]
                static async Future Local() => await Future.Yield();
            }
        }
        """);
}
