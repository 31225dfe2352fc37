using System.Diagnostics.Tracing;
using System.Net;
using System.Net.Sockets;
using AsyncGen.Net;

namespace AsyncGen.Tour.Sections;

/// <summary>
/// The seed's section 6, "the full flow of TcpStream::read", printed live from the runtime's own events: an
/// <see cref="EventListener"/> subscribed to the <c>AsyncGen</c> event source turns each event of one read into a
/// line. Nothing in the read path prints; remove the listener and the same code runs silently.
/// </summary>
internal static partial class TcpReadFlow
{
    public static void Run()
    {
        Heading.Print("5-6. Reactor: the full flow of one AsyncTcpStream.ReadAsync on loopback (from the runtime's AsyncGen events)");
        using var trace = new ReadFlowPrinter();
        using var listener = AsyncGen.Net.AsyncTcpListener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var peer = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        peer.Connect(listener.LocalEndPoint);

        // The network: another thread sends "hello" once the read has parked (so the first poll finds no data).
        var network = new Thread(() =>
        {
            trace.ReadIsPending.Wait();
            Console.WriteLine("   ...  the peer sends \"hello\" (data arrives while the task is parked)");
            peer.Send("hello"u8);
        });
        network.Start();

        // The seed describes a readiness reactor: the epoll driver (the default io_uring driver completes reads
        // without the would-block step; set ASYNCGEN_DRIVER to compare).
        using var executor = new LocalExecutor(new DriverOptions { Driver = IoDriverKind.Epoll });
        int read = executor.BlockOn(ReadOnce(listener, trace));
        network.Join();
        Console.WriteLine($"   the await returned {read} bytes after {trace.Polls} polls: no polling while nothing could happen");
        Console.WriteLine();
    }

    [PollAsync]
    private static async Future<int> ReadOnce(AsyncGen.Net.AsyncTcpListener listener, ReadFlowPrinter trace)
    {
        var server = await listener.AcceptAsync();
        using (server)
        {
            trace.Armed = true; // from here on, print the events of the first read
            return await server.ReadAsync(new byte[64]);
        }
    }

    /// <summary>Prints the events of the first <c>read</c> operation once armed, plus the epoll_wait returns meanwhile.</summary>
    /// <remarks>Internal, not private: it is a parameter of the [PollAsync] ReadOnce, whose generated machine and interceptor must see it.</remarks>
    internal sealed class ReadFlowPrinter : EventListener
    {
        private int _fd = -1;
        private bool _done;

        public volatile bool Armed;

        public readonly ManualResetEventSlim ReadIsPending = new();

        public int Polls { get; private set; }

        protected override void OnEventSourceCreated(EventSource source)
        {
            if (source.Name == "AsyncGen") EnableEvents(source, EventLevel.Verbose);
        }

        protected override void OnEventWritten(EventWrittenEventArgs e)
        {
            if (!Armed || _done || e.Payload is not { } p) return;
            if (_fd < 0 && e.EventName == "OperationPolled" && (string?)p[0] == "read") _fd = (int)p[1]!;
            if (_fd < 0) return;
            bool mine = e.EventName is "InterestRegistered" or "WakerWoken" ? (int)p[0]! == _fd
                : e.EventName != "EpollWaitReturned" && (int)p[1]! == _fd;
            if (!mine && e.EventName != "EpollWaitReturned") return;
            switch (e.EventName)
            {
                case "OperationPolled":
                    Polls = (int)p[2]!;
                    Line($"poll #{Polls}", $"the executor polls the read future (fd {_fd})");
                    break;
                case "WouldBlock":
                    Line("would block", "the non-blocking recv() returned EAGAIN: no data yet");
                    break;
                case "InterestRegistered":
                    Line("register", $"the task's waker is stored with the reactor for fd {_fd} {p[1]}");
                    break;
                case "OperationPending":
                    Line("Pending", "the task is parked; the thread is free for other tasks");
                    ReadIsPending.Set();
                    break;
                case "EpollWaitReturned":
                    Line("epoll_wait", $"the executor slept in epoll_wait (timeout {p[0]} ms); it returned {p[1]} event(s)");
                    break;
                case "WakerWoken":
                    Line("wake", $"the reactor calls waker.Wake() for fd {_fd} {p[1]}: the task is queued");
                    break;
                case "OperationReady":
                    Line("Ready", $"recv() returned {p[3]} bytes: Ready({p[3]}) after {p[2]} polls");
                    _done = true;
                    break;
            }
        }

        private static void Line(string step, string detail) => Console.WriteLine($"   {step,-11} {detail}");
    }
}
