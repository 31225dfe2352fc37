using AsyncGen.Analyzers.Rules;
using AsyncGen.Analyzers.Tests.Verification;

namespace AsyncGen.Analyzers.Tests.Rules;

public sealed class BlockOnInsideFutureTests : AnalyzerTestBase<BlockOnInsideFutureAnalyzer>
{
    private const string Demo = TestSources.DelayAddDemo;

    [Fact]
    public Task BlockOn_in_a_PollAsync_body_is_reported() => VerifyAsync(Demo + """
        public static partial class Outer
        {
            [PollAsync]
            public static async Future<int> Nested()
            {
                await Time.Sleep(TimeSpan.Zero);
                return {|AG0107:Executor.BlockOn(Demo.DelayAdd(1, 2))|};
            }
        }
        """);

    [Fact]
    public Task BlockOn_in_an_async_Future_method_is_reported() => VerifyAsync(Demo + """
        public sealed class Service
        {
            public async Future<int> Sum()
            {
                var x = 1 + {|AG0107:Executor.BlockOn(Demo.DelayAdd(1, 2))|};
                await Time.Sleep(TimeSpan.Zero);
                return x;
            }
        }
        """);

    [Fact]
    public Task BlockOn_in_a_hand_written_Poll_is_reported() => VerifyAsync(Demo + """
        public sealed class Eager : IFuture<int>
        {
            public Poll<int> Poll(ref Context cx) => Poll<int>.Ready({|AG0107:Executor.BlockOn(Demo.DelayAdd(1, 2))|});
        }
        """);

    [Fact]
    public Task BlockOn_in_an_explicit_interface_Poll_is_reported() => VerifyAsync(Demo + """
        public struct Eager : IFuture<int>
        {
            Poll<int> IFuture<int>.Poll(ref Context cx)
            {
                var value = {|AG0107:Executor.BlockOn(Demo.DelayAdd(1, 2))|};
                return Poll<int>.Ready(value);
            }
        }
        """);

    [Fact]
    public Task BlockOn_in_Main_is_not_reported() => VerifyAsync(Demo + """
        public static class Program
        {
            public static int Main() => Executor.BlockOn(Demo.DelayAdd(1, 2));
        }
        """);

    [Fact]
    public Task BlockOn_in_a_lambda_handed_to_another_thread_is_not_reported() => VerifyAsync(Demo + """
        public static partial class Outer
        {
            [PollAsync]
            public static async Future<int> Offload() => await Task.Run(() => Executor.BlockOn(Demo.DelayAdd(1, 2)));
        }
        """);

    [Fact]
    public Task BlockOn_in_a_Task_method_is_not_reported() => VerifyAsync(Demo + """
        public static class Bridge
        {
            public static async Task<int> Run()
            {
                await Task.Yield();
                return Executor.BlockOn(Demo.DelayAdd(1, 2));
            }
        }
        """);

    [Fact]
    public Task A_BlockOn_outside_AsyncGen_is_not_reported() => VerifyAsync("""
        namespace Other
        {
            public static class Runner
            {
                public static int BlockOn(Func<int> work) => work();
            }
        }

        public static partial class Outer
        {
            [PollAsync]
            public static async Future<int> Run()
            {
                await Time.Sleep(TimeSpan.Zero);
                return Other.Runner.BlockOn(() => 1);
            }
        }
        """);
}
