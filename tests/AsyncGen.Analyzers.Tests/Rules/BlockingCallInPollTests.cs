using AsyncGen.Analyzers.Rules;
using AsyncGen.Analyzers.Tests.Verification;

namespace AsyncGen.Analyzers.Tests.Rules;

public sealed class BlockingCallInPollTests : AnalyzerTestBase<BlockingCallInPollAnalyzer>
{
    [Fact]
    public Task Thread_Sleep_in_Poll_is_reported() => VerifyAsync("""
        public struct SlowCounter : IFuture<int>
        {
            private int _count;

            public Poll<int> Poll(ref Context cx)
            {
                {|AG0101:Thread.Sleep(100)|};
                return Poll<int>.Ready(++_count);
            }
        }
        """);

    [Fact]
    public Task Task_result_in_an_explicit_interface_Poll_is_reported() => VerifyAsync("""
        public sealed class TaskFuture(Task<int> task) : IFuture<int>
        {
            Poll<int> IFuture<int>.Poll(ref Context cx) => Poll<int>.Ready({|AG0101:task.Result|});
        }
        """);

    [Fact]
    public Task Monitor_wait_in_an_overridden_Future_Poll_is_reported() => VerifyAsync("""
        public sealed class Signalled : Future<int>
        {
            private readonly object _gate = new();

            public override Poll<int> Poll(ref Context cx)
            {
                lock (_gate) {|AG0101:Monitor.Wait(_gate)|};
                return Poll<int>.Ready(1);
            }
        }
        """);

    [Fact]
    public Task Blocking_stream_read_in_Poll_is_reported() => VerifyAsync("""
        public sealed class ReadFuture(Stream stream) : IFuture<int>
        {
            private readonly byte[] _buffer = new byte[16];

            public Poll<int> Poll(ref Context cx) => Poll<int>.Ready({|AG0101:stream.Read(_buffer, 0, 16)|});
        }
        """);

    [Fact]
    public Task Non_blocking_socket_receive_with_socket_error_is_not_reported() => VerifyAsync("""
        using System.Net.Sockets;

        public sealed class ReceiveFuture(Socket socket) : IFuture<int>
        {
            private readonly byte[] _buffer = new byte[16];
            private Waker _waker;

            public Poll<int> Poll(ref Context cx)
            {
                var received = socket.Receive(_buffer, 0, 16, SocketFlags.None, out SocketError error);
                if (error != SocketError.WouldBlock) return Poll<int>.Ready(received);
                _waker = cx.Waker;
                return Poll<int>.Pending;
            }
        }
        """);

    [Fact]
    public Task Zero_timeout_try_acquire_in_Poll_is_not_reported() => VerifyAsync("""
        public sealed class PermitFuture(SemaphoreSlim permits) : IFuture<bool>
        {
            public Poll<bool> Poll(ref Context cx) => Poll<bool>.Ready(permits.Wait(0));
        }
        """);

    [Fact]
    public Task Blocking_call_in_other_members_of_a_future_is_not_reported() => VerifyAsync("""
        public sealed class Prepared : IFuture<int>
        {
            private readonly string _text;

            public Prepared(string path) => _text = File.ReadAllText(path);

            public Poll<int> Poll(ref Context cx) => Poll<int>.Ready(_text.Length);

            public void Dispose() => Thread.Sleep(1);
        }
        """);

    [Fact]
    public Task Method_named_Poll_with_another_signature_is_not_reported() => VerifyAsync("""
        public sealed class Sampler
        {
            public int Poll(int timeout)
            {
                Thread.Sleep(timeout);
                return 0;
            }

            public Poll<int> Poll(Context cx) => Poll<int>.Ready(Poll(1));
        }
        """);

    [Fact]
    public Task Blocking_call_in_a_lambda_created_by_Poll_is_not_reported() => VerifyAsync("""
        public sealed class Offloaded : IFuture<int>
        {
            private Task? _work;
            private Waker _waker;

            public Poll<int> Poll(ref Context cx)
            {
                if (_work is { IsCompleted: true }) return Poll<int>.Ready(1);
                _waker = cx.Waker;
                var waker = cx.Waker;
                _work ??= Task.Run(() => { Thread.Sleep(10); waker.Wake(); });
                return Poll<int>.Pending;
            }
        }
        """);

    [Fact]
    public Task Result_read_after_checking_completion_is_not_reported() => VerifyAsync("""
        public sealed class ValueTaskFuture(ValueTask<int> operation) : IFuture<int>
        {
            private readonly AwaiterWakeRelay _relay = new();

            public Poll<int> Poll(ref Context cx)
            {
                if (!operation.IsCompleted)
                {
                    var awaiter = operation.ConfigureAwait(false).GetAwaiter();
                    _relay.Register(ref awaiter, cx.Waker);
                    if (!operation.IsCompleted) return Poll<int>.Pending;
                }
                return Poll<int>.Ready(operation.GetAwaiter().GetResult() + operation.Result);
            }
        }
        """);

    [Fact]
    public Task Socket_call_that_catches_would_block_is_not_reported() => VerifyAsync("""
        using System.Net.Sockets;

        public sealed class AcceptFuture(Socket listener) : IFuture<Socket>
        {
            private Waker _waker;

            public Poll<Socket> Poll(ref Context cx)
            {
                try
                {
                    return Poll<Socket>.Ready(listener.Accept());
                }
                catch (SocketException error) when (error.SocketErrorCode == SocketError.WouldBlock)
                {
                    _waker = cx.Waker;
                    return Poll<Socket>.Pending;
                }
            }
        }
        """);
}
