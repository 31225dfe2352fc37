using AsyncGen.Diagnostics;

namespace AsyncGen;

/// <summary>
/// The task a disposed generated machine's awaiting finally block finishes in (see <see cref="CancelledCleanup"/>):
/// polls the machine to its end and reports what it throws as an unobserved failure, since no one awaits it.
/// </summary>
/// <remarks>Disposed unfinished (its executor shuts down), it disposes the machine again, which cuts the block at its
/// await (reported) and runs the cleanup around it.</remarks>
internal struct CancelledCleanupFuture<TMachine, T>(TMachine machine, string method, long taskId)
    : IFuture<Unit>, IAsyncFrameSource where TMachine : struct, IFuture<T>
{
    private TMachine _machine = machine;
    private bool _ended; // counted out of CancelledCleanup.Running once, by the poll that ended it or by Dispose

    public Poll<Unit> Poll(ref Context cx)
    {
        try
        {
            if (_machine.Poll(ref cx).IsPending) return Poll<Unit>.Pending;
        }
        catch (Exception error)
        {
            CancelledCleanup.ReportDetachedFailure(method, taskId, error);
        }
        End();
        return Poll<Unit>.Ready(default);
    }

    public void Dispose()
    {
        try
        {
            _machine.Dispose();
        }
        catch (Exception error)
        {
            CancelledCleanup.ReportDetachedFailure(method, taskId, error);
        }
        finally
        {
            End();
        }
    }

    private void End()
    {
        if (_ended) return;
        _ended = true;
        CancelledCleanup.OnCleanupEnded();
    }

    /// <summary>The machine's frames: where its finally block waits.</summary>
    public void CollectFrames(List<AsyncFrame> frames) => AsyncBacktrace.Collect(ref _machine, frames);
}
