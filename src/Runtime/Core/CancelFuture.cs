using System.Diagnostics;

namespace AsyncGen;

/// <summary>
/// The future of <see cref="FutureExtensions.CancelAsync{T}(Future{T})"/> and <see cref="JoinHandle{T}.CancelAsync"/>:
/// cancels a future and completes once its cleanup ended, its <c>finally</c> blocks that await included — what
/// <c>cts.Cancel(); await task;</c> does for an <c>async Task</c>, where <see cref="IDisposable.Dispose"/> cannot wait.
/// </summary>
/// <remarks>
/// <para>Lazy like every future: the cancel happens at the first poll (<see cref="IFuture{T}.CancelInPlace"/>), and
/// the polls that follow finish the cleanup. An exception the cleanup throws (which replaced the cancellation, as in C#)
/// is what awaiting this future throws. A future that had finished, or was never polled, has nothing to clean up: the
/// first poll is ready.</para>
/// <para>Cancelled itself while its cleanup runs (a parent cancelled while it awaits this), it goes on waiting for that
/// cleanup; disposed, it cuts it (the future's <c>Dispose</c>).</para>
/// </remarks>
[DebuggerDisplay("CancelAsync ({_phase,nq})")]
public struct CancelFuture<T> : IFuture<Unit>, ICancelInPlace
{
    private readonly Future<T> _future;
    private Phase _phase;

    private enum Phase : byte
    {
        /// <summary>Not polled yet: nothing cancelled.</summary>
        NotStarted,

        /// <summary>Cancelled in place: its cleanup waits, and each poll polls it.</summary>
        Cleaning,

        /// <summary>The cleanup ended (or was cut).</summary>
        Done,
    }

    internal CancelFuture(Future<T> future) => _future = future;

    /// <inheritdoc/>
    public Poll<Unit> Poll(ref Context cx)
    {
        if (_phase == Phase.Done) throw new InvalidOperationException("The cancel was polled after it completed.");
        if (_phase == Phase.NotStarted && !Start()) return Poll<Unit>.Ready(default);
        try
        {
            if (_future.Poll(ref cx).IsPending) return Poll<Unit>.Pending; // its value, once ready, means nothing
        }
        catch
        {
            _phase = Phase.Done; // the cleanup's exception: what awaiting the cancel throws
            throw;
        }
        _phase = Phase.Done;
        return Poll<Unit>.Ready(default);
    }

    /// <summary>Cancels the future in place if that has not happened yet: true while its cleanup waits, which polling this finishes.</summary>
    public bool CancelInPlace() => _phase switch
    {
        Phase.NotStarted => Start(),
        Phase.Cleaning => true,
        _ => false,
    };

    /// <summary>Disposes the future: a cleanup still waiting is cut (see <see cref="IDisposable.Dispose"/> of the future).</summary>
    public void Dispose()
    {
        if (_phase == Phase.Done) return;
        _phase = Phase.Done;
        _future.Dispose();
    }

    /// <summary>Cancels the future in place; true when its cleanup waits.</summary>
    private bool Start()
    {
        _phase = Phase.Done; // if the cancel throws, it is over
        if (!_future.CancelInPlace()) return false;
        _phase = Phase.Cleaning;
        return true;
    }
}
