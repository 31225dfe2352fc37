using System.Net;
using System.Net.Sockets;
using AsyncGen.Drivers;
using AsyncGen.Net;
using AsyncGen.Runtime.Tests.Net;
using AsyncGen.Runtime.Tests.Support;

namespace AsyncGen.Runtime.Tests.Drivers;

/// <summary>
/// The readiness race: data that lands between a read's EAGAIN and the storing of its waker must still wake it.
/// A sender thread hammers small writes while the reader keeps draining and re-registering.
/// </summary>
public class ReadinessRaceTests
{
    private static byte Pattern(long index) => (byte)(index * 7 + (index >> 8));

    /// <summary>A connected pair of plain sockets: the sender stays blocking, the receiver becomes a AsyncTcpStream.</summary>
    private static (Socket Sender, AsyncTcpStream Receiver) Pair()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var sender = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        sender.Connect(listener.LocalEndPoint!);
        return (sender, new AsyncTcpStream(new EventedSocket(listener.Accept())));
    }

    /// <summary>Writes 1–64 byte messages as fast as possible, so readiness flips constantly.</summary>
    private static Thread Hammer(Socket sender, int messages, out Func<long> sent)
    {
        long total = 0;
        sent = () => Volatile.Read(ref total);
        var thread = new Thread(() =>
        {
            var random = new Random(1);
            var chunk = new byte[64];
            long offset = 0;
            for (int m = 0; m < messages; m++)
            {
                int size = random.Next(1, 65);
                for (int i = 0; i < size; i++) chunk[i] = Pattern(offset + i);
                sender.Send(chunk, 0, size, SocketFlags.None);
                offset += size;
            }
            Volatile.Write(ref total, offset);
            sender.Shutdown(SocketShutdown.Send);
        }) { IsBackground = true, Name = "hammer" };
        thread.Start();
        return thread;
    }

    private static async Future<long> ReadAll(AsyncTcpStream stream)
    {
        var buffer = new byte[37]; // small and odd: many reads, many EAGAINs, many re-registrations
        long offset = 0;
        while (true)
        {
            int n = await stream.ReadAsync(buffer);
            if (n == 0) return offset;
            for (int i = 0; i < n; i++)
                if (buffer[i] != Pattern(offset + i)) throw new InvalidDataException($"byte {offset + i} differs");
            offset += n;
        }
    }

    [Theory, ClassData(typeof(EveryDriver))]
    public void Reader_on_the_executor_never_loses_a_wake_while_a_thread_hammers_writes(IoDriverKind driver)
    {
        using var onDriver = TestDriver.Use(driver);
        var (sender, receiver) = Pair();
        using (sender)
        using (receiver)
        {
            var hammer = Hammer(sender, messages: 50_000, out var sent);
            // A lost wake leaves the reader parked forever: BlockOn's limit turns that into a failure.
            long received = Executor.BlockOn(ReadAll(receiver), TimeSpan.FromSeconds(60));
            hammer.Join();
            Assert.Equal(sent(), received);
        }
    }

    /// <summary>Wakes by setting an event, so a thread can wait for its future's waker.</summary>
    private sealed class SignalWakeTarget : IWakeTarget
    {
        public readonly AutoResetEvent Woken = new(false);

        public void Wake(int slot, int generation) => Woken.Set();
    }

    [Theory, ClassData(typeof(EveryDriver))]
    public void Reader_polled_on_one_thread_while_the_reactor_dispatches_on_another_never_loses_a_wake(IoDriverKind kind)
    {
        // The work-stealing shape: one thread parks in the reactor and dispatches events while another polls the
        // read, so a dispatch can land between the EAGAIN, the readiness clear and the waker store (the tick check
        // and the re-check after storing the waker cover those interleavings).
        using var driver = Driver.Create(new DriverOptions { Driver = kind });
        var (sender, receiver) = Pair();
        using (sender)
        using (receiver)
        {
            bool stop = false;
            var reactorThread = new Thread(() =>
            {
                while (!Volatile.Read(ref stop)) driver.Io.Park(50);
            }) { IsBackground = true, Name = "reactor" };
            reactorThread.Start();
            var hammer = Hammer(sender, messages: 20_000, out var sent);

            var target = new SignalWakeTarget();
            var cx = new Context(new Waker(target, 0, 0));
            var buffer = new byte[37];
            long offset = 0;
            int lostWakes = 0;
            using (driver.Enter())
            {
                while (true)
                {
                    var read = receiver.ReadAsync(buffer);
                    Poll<int> poll;
                    while ((poll = read.Poll(ref cx)).IsPending)
                    {
                        if (!target.Woken.WaitOne(TimeSpan.FromSeconds(10)))
                        {
                            lostWakes++;
                            break;
                        }
                    }
                    if (lostWakes > 0 || poll.Value == 0) break;
                    for (int i = 0; i < poll.Value; i++) Assert.Equal(Pattern(offset + i), buffer[i]);
                    offset += poll.Value;
                }
            }
            Volatile.Write(ref stop, true);
            reactorThread.Join();
            hammer.Join();
            Assert.Equal(0, lostWakes);
            Assert.Equal(sent(), offset);
        }
    }
}
