using AsyncGen.Analyzers.Rules;
using AsyncGen.Analyzers.Tests.Verification;

namespace AsyncGen.Analyzers.Tests.Rules;

public sealed class BlockingCallInFutureBodyTests : AnalyzerTestBase<BlockingCallInFutureBodyAnalyzer>
{
    [Fact]
    public Task Thread_Sleep_in_PollAsync_body_is_reported() => VerifyAsync("""
        public static partial class Demo
        {
            [PollAsync]
            public static async Future<int> DelayAdd(int a, int b)
            {
                {|AG0100:Thread.Sleep(2000)|};
                await Time.Sleep(TimeSpan.FromSeconds(1));
                return a + b;
            }
        }
        """);

    [Fact]
    public Task Blocking_reads_of_a_task_result_are_reported() => VerifyAsync("""
        public static partial class Demo
        {
            [PollAsync]
            public static async Future<int> Total(Task<int> first, Task<int> second, Task third)
            {
                {|AG0100:third.Wait()|};
                await Time.Sleep(TimeSpan.Zero);
                return {|AG0100:first.Result|} + {|AG0100:second.GetAwaiter().GetResult()|};
            }
        }
        """);

    [Fact]
    public Task Calls_on_a_type_parameter_receiver_are_classified_without_failing() => VerifyAsync("""
        public static partial class Demo
        {
            [PollAsync]
            public static async Future<int> Changes<T>(T[] values, T stream) where T : Stream, IEquatable<T>
            {
                var count = 0;
                foreach (var value in values)
                {
                    await Time.Sleep(TimeSpan.Zero);
                    if (!value.Equals(values[0])) count++;
                }
                {|AG0100:stream.Read(new byte[1], 0, 1)|};
                return count;
            }
        }
        """);

    [Fact]
    public Task Blocking_semaphore_wait_in_any_async_Future_method_is_reported() => VerifyAsync("""
        public sealed class Gate
        {
            private readonly SemaphoreSlim _permits = new(1);

            public async Future Enter()
            {
                {|AG0100:_permits.Wait()|};
                await Time.Sleep(TimeSpan.Zero);
                _permits.Release();
            }
        }
        """);

    [Fact]
    public Task File_stream_and_console_input_calls_are_reported() => VerifyAsync("""
        public static partial class Demo
        {
            [PollAsync]
            public static async Future<string> Load(string path, Stream stream, byte[] buffer)
            {
                await Time.Sleep(TimeSpan.Zero);
                {|AG0100:stream.Read(buffer, 0, buffer.Length)|};
                var name = {|AG0100:Console.ReadLine()|};
                return {|AG0100:File.ReadAllText(path)|} + name;
            }
        }
        """);

    [Fact]
    public Task Method_with_an_async_twin_taking_a_cancellation_token_is_reported() => VerifyAsync("""
        public sealed class Store
        {
            public string Load(string key) => key;
            public Task<string> LoadAsync(string key, CancellationToken cancellationToken = default) => Task.FromResult(key);
        }

        public static partial class Demo
        {
            [PollAsync]
            public static async Future<string> Read(Store store)
            {
                await Time.Sleep(TimeSpan.Zero);
                return {|AG0100:store.Load("a")|};
            }
        }
        """);

    [Fact]
    public Task Zero_timeout_waits_only_test_and_are_not_reported() => VerifyAsync("""
        public static partial class Demo
        {
            [PollAsync]
            public static async Future<bool> TryEnter(SemaphoreSlim permits, ManualResetEventSlim signal)
            {
                await Time.Sleep(TimeSpan.Zero);
                return permits.Wait(0) && permits.Wait(TimeSpan.Zero) && signal.Wait(0);
            }
        }
        """);

    [Fact]
    public Task Console_output_and_in_memory_writers_are_not_reported() => VerifyAsync("""
        public static partial class Demo
        {
            [PollAsync]
            public static async Future Log(string text)
            {
                await Time.Sleep(TimeSpan.Zero);
                Console.Out.Write(text);
                Console.Error.WriteLine(text);
                Console.WriteLine(text);
                new MemoryStream().Write(new byte[1], 0, 1);
                new StringWriter().Write(text);
            }
        }
        """);

    [Fact]
    public Task Blocking_call_inside_a_lambda_is_not_reported() => VerifyAsync("""
        public static partial class Demo
        {
            [PollAsync]
            public static async Future<int> Offload()
            {
                await Task.Run(() => Thread.Sleep(100));
                Action later = () => Thread.Sleep(100);
                return 1;
            }
        }
        """);

    [Fact]
    public Task Blocking_call_outside_future_bodies_is_not_reported() => VerifyAsync("""
        public static class Program
        {
            public static void Main() => Thread.Sleep(10);

            public static async Task<string> ReadTask(string path)
            {
                await Task.Yield();
                Thread.Sleep(10);
                return File.ReadAllText(path);
            }

            [PollAsync]
            public static Future<int> NotAsync(Future<int> inner) => inner;
        }
        """);

    [Fact]
    public Task Awaited_calls_and_twins_of_another_shape_are_not_reported() => VerifyAsync("""
        public sealed class Store
        {
            public string Load(string key) => key;
            public Task<string> LoadAsync(int id) => Task.FromResult(id.ToString());
        }

        public static partial class Demo
        {
            [PollAsync]
            public static async Future<string> Read(Store store, string path)
            {
                var text = await File.ReadAllTextAsync(path);
                return text + store.Load("a");
            }
        }
        """);
}
