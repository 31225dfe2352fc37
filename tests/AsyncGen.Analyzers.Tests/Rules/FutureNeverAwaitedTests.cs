using AsyncGen.Analyzers.Rules;
using AsyncGen.Analyzers.Tests.Verification;

namespace AsyncGen.Analyzers.Tests.Rules;

public sealed class FutureNeverAwaitedTests : AnalyzerTestBase<FutureNeverAwaitedAnalyzer>
{
    private const string Demo = TestSources.DelayAddDemo;

    [Fact]
    public Task Future_call_used_as_a_statement_is_reported() => VerifyAsync(Demo + """
        public static class Program
        {
            public static void Main() => {|AG0106:Demo.DelayAdd(1, 2)|};
        }
        """);

    [Fact]
    public Task Future_assigned_to_the_discard_is_reported() => VerifyAsync(Demo + """
        public static class Program
        {
            public static void Main()
            {
                _ = {|AG0106:Demo.DelayAdd(1, 2)|};
            }
        }
        """);

    [Fact]
    public Task Future_stored_in_a_local_that_is_never_read_is_reported() => VerifyAsync(Demo + """
        public static class Program
        {
            public static void Main()
            {
                var sum = {|AG0106:Demo.DelayAdd(1, 2)|};
            }
        }
        """);

    [Fact]
    public Task Struct_future_dropped_inside_a_future_body_is_reported() => VerifyAsync("""
        public static partial class Demo
        {
            [PollAsync]
            public static async Future<int> Pause()
            {
                {|AG0106:Time.Sleep(TimeSpan.FromSeconds(1))|};
                await Time.Sleep(TimeSpan.Zero);
                return 0;
            }
        }
        """);

    [Fact]
    public Task Future_created_with_new_and_dropped_is_reported() => VerifyAsync("""
        public sealed class Never : IFuture<int>
        {
            public Poll<int> Poll(ref Context cx) => Poll<int>.Ready(0);
        }

        public sealed class Program
        {
            public Program() => {|AG0106:new Never()|};

            public static void Main() => {|AG0106:new Never()|};
        }
        """);

    [Fact]
    public Task Awaited_and_blocked_on_futures_are_not_reported() => VerifyAsync(Demo + """
        public static class Program
        {
            public static int Main() => Executor.BlockOn(Demo.DelayAdd(1, 2));

            [PollAsync]
            public static async Future<int> Twice() => await Demo.DelayAdd(1, 2) + await Demo.DelayAdd(3, 4);
        }
        """);

    [Fact]
    public Task Future_stored_and_polled_later_is_not_reported() => VerifyAsync(Demo + """
        public static class Program
        {
            public static Poll<int> Step(ref Context cx)
            {
                var sum = Demo.DelayAdd(1, 2);
                return sum.Poll(ref cx);
            }
        }
        """);

    [Fact]
    public Task Returned_future_is_not_reported() => VerifyAsync(Demo + """
        public static class Program
        {
            public static Future<int> Start() => Demo.DelayAdd(1, 2);

            public static IFuture<int> Later()
            {
                var future = Demo.DelayAdd(1, 2);
                return future;
            }
        }
        """);

    [Fact]
    public Task Dropped_join_handle_and_non_future_results_are_not_reported() => VerifyAsync(Demo + """
        public static class Program
        {
            [PollAsync]
            public static async Future<int> Detach(Func<int> work)
            {
                Executor.Spawn(Demo.DelayAdd(1, 2));
                var handle = Executor.Spawn(Demo.DelayAdd(3, 4));
                await Time.Sleep(TimeSpan.Zero);
                return work();
            }

            public static void Main(Func<int> work)
            {
                work();
                Task.Run(work);
                int.Parse("1");
            }
        }
        """);
}
