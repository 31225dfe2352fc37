using AsyncGen.Analyzers.Rules;
using AsyncGen.Analyzers.Tests.Verification;

namespace AsyncGen.Analyzers.Tests.Rules;

public sealed class PolledFutureCopiedTests : AnalyzerTestBase<PolledFutureCopiedAnalyzer>
{
    private const string Countdown = """

        public struct Countdown : IFuture<int>
        {
            public int Left;

            public Poll<int> Poll(ref Context cx) => Left-- <= 0 ? Poll<int>.Ready(0) : Poll<int>.Pending;
        }

        """;

    [Fact]
    public Task Assigning_a_polled_struct_future_to_another_local_is_reported() => VerifyAsync(Countdown + """
        public static class Driver
        {
            public static void Run(ref Context cx)
            {
                var future = new Countdown { Left = 2 };
                future.Poll(ref cx);
                var copy = {|AG0105:future|};
                copy.Poll(ref cx);
            }
        }
        """);

    [Fact]
    public Task Passing_a_polled_struct_future_by_value_is_reported() => VerifyAsync(Countdown + """
        public static class Driver
        {
            public static void Run(ref Context cx)
            {
                var future = new Countdown { Left = 2 };
                future.Poll(ref cx);
                Consume({|AG0105:future|});
            }

            private static void Consume(Countdown future) { }
        }
        """);

    [Fact]
    public Task Boxing_a_polled_struct_future_is_reported() => VerifyAsync(Countdown + """
        public static class Driver
        {
            public static IFuture<int> Run(ref Context cx)
            {
                var future = new Countdown { Left = 2 };
                future.Poll(ref cx);
                object boxed = {|AG0105:future|};
                return {|AG0105:future|};
            }
        }
        """);

    [Fact]
    public Task Copying_a_polled_struct_future_field_is_reported() => VerifyAsync(Countdown + """
        public struct Outer : IFuture<int>
        {
            private Countdown _inner;
            private Countdown _snapshot;

            public Poll<int> Poll(ref Context cx)
            {
                var result = _inner.Poll(ref cx);
                _snapshot = {|AG0105:_inner|};
                return result;
            }
        }
        """);

    [Fact]
    public Task Copy_before_the_first_poll_is_not_reported() => VerifyAsync(Countdown + """
        public static class Driver
        {
            public static void Run(ref Context cx)
            {
                var future = new Countdown { Left = 2 };
                var copy = future;
                copy.Poll(ref cx);
            }
        }
        """);

    [Fact]
    public Task Copying_a_polled_class_future_is_not_reported() => VerifyAsync("""
        public static class Driver
        {
            public static Future<int> Run(Future<int> future, ref Context cx)
            {
                future.Poll(ref cx);
                var alias = future;
                return alias;
            }
        }
        """);

    [Fact]
    public Task Passing_a_polled_future_by_ref_and_using_it_in_place_is_not_reported() => VerifyAsync(Countdown + """
        public static class Driver
        {
            public static int Run(ref Context cx)
            {
                var future = new Countdown { Left = 2 };
                future.Poll(ref cx);
                Drive(ref future, ref cx);
                future.Left = 0;
                return future.Left;
            }

            private static void Drive(ref Countdown future, ref Context cx) => future.Poll(ref cx);
        }
        """);

    [Fact]
    public Task Overwriting_a_polled_future_with_a_fresh_one_is_not_reported() => VerifyAsync(Countdown + """
        public static class Driver
        {
            public static void Run(ref Context cx)
            {
                var future = new Countdown { Left = 2 };
                future.Poll(ref cx);
                future = new Countdown { Left = 1 };
                ref var same = ref future;
                same.Poll(ref cx);
            }
        }
        """);

    [Fact]
    public Task Future_polled_through_a_ref_helper_and_then_copied_is_reported() => VerifyAsync(Countdown + """
        public static class Driver
        {
            public static Countdown Run(ref Context cx)
            {
                var future = new Countdown { Left = 2 };
                Drive(ref future, ref cx);
                return {|AG0105:future|};
            }

            private static void Drive(ref Countdown future, ref Context cx) => future.Poll(ref cx);
        }
        """);
}
