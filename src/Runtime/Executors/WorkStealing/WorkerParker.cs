using System.Diagnostics;
using AsyncGen.Drivers;

namespace AsyncGen.Executors.WorkStealing;

/// <summary>
/// Where one worker sleeps (tokio's <c>multi_thread/park.rs</c>): in the shared driver (timers + I/O) if no other
/// worker holds it, else on its own monitor; and how another thread wakes it, from whichever of the two.
/// </summary>
/// <remarks>
/// <para>States of <c>_state</c>: Empty → (Park) → ParkedDriver or ParkedMonitor → (Unpark) → Notified → (the park
/// returns) → Empty. An unpark that lands before the park leaves Notified, and that park returns at once: no wake is
/// lost in the window between a worker deciding to park and blocking.</para>
/// <para>Cheap to wake: one exchange, plus a system call only when the worker really blocks — a monitor pulse, or
/// the driver's own unpark (an eventfd write) when it sleeps in <c>epoll_wait</c>.</para>
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
                driver.Parker.Unpark();
                return true;
            default:
                return false; // Empty or Notified: it is not blocked; it will see Notified before it blocks
        }
    }

    private void ParkInDriver(Driver driver)
    {
        if (Interlocked.CompareExchange(ref _state, ParkedDriver, Empty) != Empty)
        {
            Volatile.Write(ref _state, Empty); // notified meanwhile: consume it, do not block
            return;
        }
        driver.Park();
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
