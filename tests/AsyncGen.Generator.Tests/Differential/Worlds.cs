namespace AsyncGen.Generator.Tests.Differential;

/// <summary>
/// The helpers a differential program awaits, written once per world with the same names: in the future world
/// they are struct futures that suspend once (so every await really suspends), in the Task world they are Tasks.
/// </summary>
internal static class Worlds
{
    public const string FutureOps = """
        using System;
        using System.Threading.Tasks;
        using AsyncGen;

        public static class Ops
        {
            public static YieldFuture Yield() => new();
            public static ValueFuture<T> Value<T>(T value) => new(value, null);
            public static ValueFuture<T> Fail<T>(string message) => new(default!, message);
            public static Future<T> Boxed<T>(T value) => Future.Box<ValueFuture<T>, T>(new(value, null));
            public static async Task<T> FromTask<T>(T value) { await Task.Yield(); return value; }
            public static JoinFuture<A, B> Both<A, B>(IFuture<A> first, IFuture<B> second) => Future.Join(first, second);
            public static SelectFuture<T, T> Race<T>(IFuture<T> first, IFuture<T> second) => Future.Select(first, second);
            public static T Winner<T>(Either<T, T> either) => either.IsFirst ? either.First : either.Second;
            public static NeverFuture<T> Never<T>() => new();
            public static JoinHandle<T> Spawn<T>(IFuture<T> future) => Executor.Spawn(future);
        }

        /// <summary>Never ready, never wakes: the loser of a race.</summary>
        public struct NeverFuture<T> : IFuture<T>
        {
            public Poll<T> Poll(ref Context cx) => Poll<T>.Pending;
        }

        /// <summary>Pending once (waking itself), then ready: every await suspends once.</summary>
        public struct YieldFuture : IFuture<Unit>
        {
            private bool _yielded;
            public Poll<Unit> Poll(ref Context cx)
            {
                if (_yielded) return Poll<Unit>.Ready(default);
                _yielded = true;
                cx.Waker.Wake();
                return Poll<Unit>.Pending;
            }
        }

        public struct ValueFuture<T>(T value, string? error) : IFuture<T>
        {
            private bool _yielded;
            public Poll<T> Poll(ref Context cx)
            {
                if (!_yielded)
                {
                    _yielded = true;
                    cx.Waker.Wake();
                    return Poll<T>.Pending;
                }
                if (error is not null) throw new InvalidOperationException(error);
                return Poll<T>.Ready(value);
            }
        }
        """;

    public const string TaskOps = """
        using System;
        using System.Threading.Tasks;

        public static class Ops
        {
            public static async Task Yield() => await Task.Yield();
            public static async Task<T> Value<T>(T value) { await Task.Yield(); return value; }
            public static async Task<T> Fail<T>(string message) { await Task.Yield(); throw new InvalidOperationException(message); }
            public static Task<T> Boxed<T>(T value) => Value(value);
            public static async Task<T> FromTask<T>(T value) { await Task.Yield(); return value; }
            public static async Task<(A, B)> Both<A, B>(Task<A> first, Task<B> second) => (await first, await second);
            public static async Task<T> Race<T>(Task<T> first, Task<T> second) => await await Task.WhenAny(first, second);
            public static T Winner<T>(T winner) => winner;
            public static Task<T> Never<T>() => new TaskCompletionSource<T>().Task;
            public static Task<T> Spawn<T>(Task<T> task) => task;
        }
        """;

    /// <summary>The Task version of a program: same text, Task for Future, no attribute.</summary>
    public static string ToTaskWorld(string source) =>
        System.Text.RegularExpressions.Regex.Replace(
            System.Text.RegularExpressions.Regex.Replace(source.Replace("[PollAsync]", ""), @"\bFuture<", "Task<"),
            @"\bFuture\b", "Task");
}
