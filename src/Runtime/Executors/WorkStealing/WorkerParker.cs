using System.Diagnostics;
using AsyncGen.Drivers;

namespace AsyncGen.Executors.WorkStealing;

/// <summary>
/// Where one worker sleeps (tokio's <c>multi_thread/park.rs</c>): in the shared driver (timers + I/O) if no other
/// worker holds it, else in its own io_uring ring (<see cref="Own"/>, a ring per worker) or, without one, on its own
/// monitor; and how another thread wakes it, from whichever it is in.
/// </summary>
/// <remarks>
/// <para>States of <c>_state</c>: Empty → (Park) → ParkedDriver (the driver or its own ring) or ParkedMonitor →
/// (Unpark) → Notified → (the park returns) → Empty. An unpark that lands before the park leaves Notified, and that park returns at once: no wake is
/// lost in the window between a worker deciding to park and blocking.</para>
/// <para>Cheap to wake: one exchange, plus a system call only when the worker really blocks — a monitor pulse, or
/// the ring's or driver's unpark (an eventfd write) when it sleeps in <c>io_uring_enter</c> or <c>epoll_wait</c>.</para>
/// </remarks>
[DebuggerDisplay("WorkerParker ({_state})")]
internal sealed class WorkerParker
{
    private const int Empty = 0;
    private const int ParkedMonitor = 1;
    private const int ParkedDriver = 2;
    private const int Notified = 3;

    private readonly object _monitor = new();
    private int _state;

    /// <summary>
    /// The worker's own ring (<see cref="IIoDriver.EnterWorker"/>), or null: set on the worker's thread before it
    /// first parks; other threads read it only after seeing ParkedDriver, which the worker wrote after it.
    /// </summary>
    public IParker? Own { get; set; }

    /// <summary>
    /// Blocks until <see cref="Unpark"/> (or, in the driver, an I/O event or timer); returns whether this thread held
    /// the driver while it slept.
    /// </summary>
    public bool Park(Driver driver, Lock driverLock)
    {
        if (Interlocked.CompareExchange(ref _state, Empty, Notified) == Notified) return false;
        if (driverLock.TryEnter())
        {
            try
            {
                ParkInDriver(driver);
            }
            finally
            {
                driverLock.Exit();
            }
            return true;
        }
        if (Own is { } own)
        {
            // Our ring is ours alone: its enter submits what we queued, and its completions (and their kernel work,
            // which io_uring runs on the thread that submitted) wake us here, where they are reaped.
            ParkIn(null, own);
            return true;
        }
        // The driver's holder may be blocked in the kernel and would not see the I/O this worker queued: submit it.
        driver.Io.SubmitDeferred();
        ParkOnMonitor();
        return false;
    }

    /// <summary>Wakes the worker, or makes its next park return at once. Thread-safe; returns whether it slept.</summary>
    public bool Unpark(Driver driver)
    {
        switch (Interlocked.Exchange(ref _state, Notified))
        {
            case ParkedMonitor:
                // Taking the monitor orders the pulse after the sleeper's Wait: it set ParkedMonitor under it.
                lock (_monitor) Monitor.Pulse(_monitor);
                return true;
            case ParkedDriver:
                (Own ?? driver.Parker).Unpark(); // with a ring of its own, the driver's turn waits there too
                return true;
            default:
                return false; // Empty or Notified: it is not blocked; it will see Notified before it blocks
        }
    }

    private void ParkInDriver(Driver driver) => ParkIn(driver, null);

    /// <summary>Blocks in the driver's turn (timers + I/O) or, given <paramref name="ring"/>, in the worker's own ring.</summary>
    private void ParkIn(Driver? driver, IParker? ring)
    {
        if (Interlocked.CompareExchange(ref _state, ParkedDriver, Empty) != Empty)
        {
            Volatile.Write(ref _state, Empty); // notified meanwhile: consume it, do not block
            return;
        }
        if (ring is not null) ring.Park(Timeout.Infinite);
        else driver!.Park();
        // Notified (woken by Unpark) or still ParkedDriver (an I/O event or timer woke the driver): either way, empty.
        Interlocked.Exchange(ref _state, Empty);
    }

    private void ParkOnMonitor()
    {
        lock (_monitor)
        {
            if (Interlocked.CompareExchange(ref _state, ParkedMonitor, Empty) != Empty)
            {
                Volatile.Write(ref _state, Empty);
                return;
            }
            while (true)
            {
                Monitor.Wait(_monitor);
                if (Interlocked.CompareExchange(ref _state, Empty, Notified) == Notified) return;
                // A spurious wake-up: still ParkedMonitor, keep waiting.
            }
        }
    }
}
