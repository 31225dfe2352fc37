using AsyncGen.Diagnostics;
using AsyncGen.Tasks;
using Microsoft.Extensions.Logging;

namespace AsyncGen.Hosting;

/// <summary>
/// A task of a <see cref="PollAsyncBackgroundService"/> (its <c>ExecuteAsync</c>, or a detached task): polls the
/// future, logs the exception that ends it, and reports the outcome as a Task once the future has finished or has
/// been disposed (its cleanup done). The result, if any, is dropped: nobody awaits these tasks.
/// </summary>
/// <remarks>The Task's continuations run asynchronously, so host code never runs on an executor thread. In dumps and
/// events the task is named after the service's future and shows its backtrace (this wrapper is plumbing).</remarks>
internal sealed partial class ServiceTaskFuture<T>(IFuture<T> inner, string service, ILogger logger) : IFuture<Unit>, IFutureRef, IAsyncFrameSource
{
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _done;

    public Task Completion => _completion.Task;

    /// <summary>The service's future, for the task's name.</summary>
    public Type FutureType { get; } = inner is IFutureRef wrapper ? wrapper.FutureType : inner.GetType();

    /// <summary>The service's future's frames: this wrapper adds none.</summary>
    public void CollectFrames(List<AsyncFrame> frames)
    {
        if (_done) return;
        var future = inner;
        AsyncBacktrace.Collect(ref future, frames);
    }

    public Poll<Unit> Poll(ref Context cx)
    {
        try
        {
            if (inner.Poll(ref cx).IsPending) return Poll<Unit>.Pending;
            _done = true;
            LogCompleted(service);
            _completion.TrySetResult();
        }
        catch (OperationCanceledException canceled)
        {
            _done = true; // the service observed its stopping token: a normal way to end
            LogCompleted(service);
            _completion.TrySetCanceled(canceled.CancellationToken);
        }
        catch (Exception error)
        {
            _done = true;
            LogFailed(error, service);
            _completion.TrySetException(error);
        }
        return Poll<Unit>.Ready(default);
    }

    /// <summary>The task was aborted (host stopping) or its executor disposed: dispose the service's future, so its
    /// <c>finally</c> blocks run, then report the cancellation.</summary>
    public void Dispose()
    {
        if (_done) return;
        _done = true;
        try
        {
            inner.Dispose();
        }
        catch (Exception error)
        {
            LogCleanupFailed(error, service);
        }
        finally
        {
            LogStopped(service);
            _completion.TrySetCanceled();
        }
    }

    [LoggerMessage(20, LogLevel.Error, "The AsyncGen task {Service} failed; it is not running any more.")]
    private partial void LogFailed(Exception error, string service);

    [LoggerMessage(21, LogLevel.Error, "Disposing the AsyncGen task {Service} threw from its cleanup.")]
    private partial void LogCleanupFailed(Exception error, string service);

    [LoggerMessage(22, LogLevel.Information, "The AsyncGen task {Service} was stopped; its cleanup ran.")]
    private partial void LogStopped(string service);

    [LoggerMessage(23, LogLevel.Debug, "The AsyncGen task {Service} completed.")]
    private partial void LogCompleted(string service);
}
