using AsyncGen.Analyzers.CodeFixes;
using AsyncGen.Analyzers.Rules;
using AsyncGen.Analyzers.Tests.Verification;

namespace AsyncGen.Analyzers.Tests.CodeFixes;

public sealed class BlockingCallCodeFixTests : AnalyzerTestBase<BlockingCallInFutureBodyAnalyzer>
{
    [Fact]
    public Task Seed_Thread_Sleep_becomes_an_awaited_Time_Sleep() => VerifyFixAsync<BlockingCallCodeFixProvider>("""
        public static partial class Demo
        {
            [PollAsync]
            public static async Future<int> DelayAdd(int a, int b)
            {
                {|AG0100:Thread.Sleep(2000)|};
                return a + b;
            }
        }
        """, """
        public static partial class Demo
        {
            [PollAsync]
            public static async Future<int> DelayAdd(int a, int b)
            {
                await Time.Sleep(TimeSpan.FromMilliseconds(2000));
                return a + b;
            }
        }
        """);

    [Fact]
    public Task Thread_Sleep_with_a_TimeSpan_keeps_its_argument() => VerifyFixAsync<BlockingCallCodeFixProvider>("""
        public static partial class Demo
        {
            [PollAsync]
            public static async Future Pause(TimeSpan pause)
            {
                {|AG0100:Thread.Sleep(pause)|}; // pause the task, not the thread
            }
        }
        """, """
        public static partial class Demo
        {
            [PollAsync]
            public static async Future Pause(TimeSpan pause)
            {
                await Time.Sleep(pause); // pause the task, not the thread
            }
        }
        """);

    [Fact]
    public Task Blocking_task_reads_become_awaits() => VerifyFixAsync<BlockingCallCodeFixProvider>("""
        public static partial class Demo
        {
            [PollAsync]
            public static async Future<string> Total(Task<int> first, Task<int> second, Task third)
            {
                {|AG0100:third.Wait()|};
                var sum = {|AG0100:first.Result|} + {|AG0100:second.GetAwaiter().GetResult()|};
                return {|AG0100:first.Result|}.ToString() + sum;
            }
        }
        """, """
        public static partial class Demo
        {
            [PollAsync]
            public static async Future<string> Total(Task<int> first, Task<int> second, Task third)
            {
                await third;
                var sum = await first + await second;
                return (await first).ToString() + sum;
            }
        }
        """);

    [Fact]
    public Task Call_with_an_async_twin_becomes_an_await_of_the_twin() => VerifyFixAsync<BlockingCallCodeFixProvider>("""
        public sealed class Store
        {
            public string Load(string key) => key;
            public Task<string> LoadAsync(string key, CancellationToken cancellationToken) => Task.FromResult(key);
        }

        public static partial class Demo
        {
            [PollAsync]
            public static async Future<string> Read(Store store, string path, SemaphoreSlim permits)
            {
                {|AG0100:permits.Wait()|};
                var text = {|AG0100:File.ReadAllText(path)|};
                return text + {|AG0100:store.Load("a")|};
            }
        }
        """, """
        public sealed class Store
        {
            public string Load(string key) => key;
            public Task<string> LoadAsync(string key, CancellationToken cancellationToken) => Task.FromResult(key);
        }

        public static partial class Demo
        {
            [PollAsync]
            public static async Future<string> Read(Store store, string path, SemaphoreSlim permits)
            {
                await permits.WaitAsync();
                var text = await File.ReadAllTextAsync(path);
                return text + await store.LoadAsync("a", CancellationToken.None);
            }
        }
        """);
}
