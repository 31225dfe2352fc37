using System.Runtime.CompilerServices;

namespace AsyncGen;

/// <summary>
/// Bridges a callback-based awaiter (<c>Task</c>, <c>ValueTask</c>, any custom awaiter) to polling: its continuation
/// wakes the waker of the most recent poll. No thread is blocked.
/// </summary>
/// <remarks>
/// One relay serves any number of successive awaits of one machine. Generated code calls
/// <see cref="Register{TAwaiter}"/> when an awaiter is not complete and <see cref="Update"/> on every re-poll,
/// then checks the awaiter's <c>IsCompleted</c> again, so a completion racing with the re-poll is never lost.
/// </remarks>
public sealed class AwaiterWakeRelay
{
    private readonly Action _wake;
    private Waker _waker;       // guarded by _wake (Waker is three words: a torn read would wake the wrong task)
    private volatile bool _fired;
    private Action? _afterCancel; // what a cancelled machine left to run when the pending awaiter completes; s_ran once run

    private static readonly Action s_ran = static () => { };

    /// <summary>Creates a relay with its continuation delegate allocated once.</summary>
    public AwaiterWakeRelay() => _wake = Wake;

    /// <summary>Stores <paramref name="waker"/> and asks <paramref name="awaiter"/> to wake it on completion.</summary>
    public void Register<TAwaiter>(ref TAwaiter awaiter, in Waker waker) where TAwaiter : INotifyCompletion
    {
        Update(waker);
        _fired = false;
        // A Task awaiter would post the wake to the current SynchronizationContext: on a UI thread blocked in
        // BlockOn that post would never run. The wake only needs to reach the executor, from any thread.
        var context = SynchronizationContext.Current;
        if (context is null)
        {
            awaiter.OnCompleted(_wake);
            return;
        }
        SynchronizationContext.SetSynchronizationContext(null);
        try
        {
            awaiter.OnCompleted(_wake);
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(context);
        }
    }

    /// <summary>True once the awaiter registered last has run its continuation.</summary>
    public bool HasFired => _fired;

    /// <summary>Replaces the stored waker with the one of the current poll.</summary>
    public void Update(in Waker waker)
    {
        lock (_wake) _waker = waker;
    }

    private void Wake()
    {
        _fired = true; // before the wake, so the poll it triggers sees it (and AfterCancel below)
        Waker waker;
        lock (_wake) waker = _waker;
        waker.Wake(); // outside the lock: waking may run executor code
        if (Volatile.Read(ref _afterCancel) is not null) RunAfterCancel();
    }

    /// <summary>
    /// Runs <paramref name="cleanup"/> once the awaiter registered last has completed (at once if it has): a machine
    /// disposed while suspended on it leaves work that cannot start before (see
    /// <c>AsyncDisposal.OnCancelAfterPending</c>). Called at most once per relay, by the Dispose that
    /// ends the machine.
    /// </summary>
    internal void AfterCancel(Action cleanup)
    {
        Volatile.Write(ref _afterCancel, cleanup);
        // A completion that set _fired before the write above did not see the cleanup: run it here. Both sides may
        // get here; the exchange in RunAfterCancel lets exactly one run it.
        Interlocked.MemoryBarrier();
        if (_fired) RunAfterCancel();
    }

    private void RunAfterCancel()
    {
        var cleanup = Interlocked.Exchange(ref _afterCancel, s_ran);
        if (cleanup is not null && cleanup != s_ran) cleanup();
    }
}
