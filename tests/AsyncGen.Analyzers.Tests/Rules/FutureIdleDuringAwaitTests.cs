using AsyncGen.Analyzers.Rules;
using AsyncGen.Analyzers.Tests.Verification;

namespace AsyncGen.Analyzers.Tests.Rules;

public sealed class FutureIdleDuringAwaitTests : AnalyzerTestBase<FutureIdleDuringAwaitAnalyzer>
{
    private const string Demo = TestSources.DelayAddDemo;

    [Fact]
    public Task Start_both_then_await_in_one_expression_is_reported() => VerifyAsync(Demo + """
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
        """);

    [Fact]
    public Task Start_both_then_await_in_two_statements_is_reported_once_per_idle_future() => VerifyAsync(Demo + """
        public static partial class Outer
        {
            public static async Future<int> Three()
            {
                var a = Demo.DelayAdd(1, 2);
                var b = Demo.DelayAdd(3, 4);
                Future<int> c = Demo.DelayAdd(5, 6);
                var x = await a;
                var y = {|AG0110:await b|};
                var z = {|AG0110:await c|};
                return x + y + z;
            }
        }
        """);

    [Fact]
    public Task Futures_created_after_the_await_joined_spawned_or_awaited_at_once_are_not_reported() => VerifyAsync(Demo + """
        public static partial class Outer
        {
            public static async Future<int> Fine()
            {
                var a = Demo.DelayAdd(1, 2);
                var x = await a;                         // nothing else was created yet
                var b = Demo.DelayAdd(3, 4);
                var y = await b;
                var c = Demo.DelayAdd(5, 6);
                var d = Demo.DelayAdd(7, 8);
                var (p, q) = await Future.Join(c, d);    // the fix
                var e = Demo.DelayAdd(9, 10);
                var handle = Executor.Spawn(e);          // first use is not an await
                await Time.Sleep(TimeSpan.Zero);
                var t = Task.FromResult(1);
                await Time.Sleep(TimeSpan.Zero);
                return x + y + p + q + await handle + await t; // a Task runs eagerly; a join handle's task is running
            }
        }
        """);

    [Fact]
    public Task A_lambda_is_judged_on_its_own() => VerifyAsync(Demo + """
        public static partial class Outer
        {
            public static async Future<int> Outside()
            {
                var b = Demo.DelayAdd(3, 4);
                Func<Future<int>> inner = async () => await Demo.DelayAdd(1, 2);
                return await b;
            }
        }
        """);
}
