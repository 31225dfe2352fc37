using System.Collections.Concurrent;

namespace AsyncGen.Generator.Tests.Differential;

/// <summary>
/// Runs the Task world of a differential program on one thread: every continuation that captures the context
/// (<c>await</c>, <c>Task.Yield()</c>) is queued here and run in order by the thread that started the program, as a
/// UI or a single-threaded test context does. Without it the continuations of two tasks a program starts ran on
/// the thread pool at once, so logs written after their awaits came in either order (see 29_Newcomer3's note).
/// </summary>
internal sealed class SingleThreadSynchronizationContext : SynchronizationContext
{
    private readonly BlockingCollection<(SendOrPostCallback Callback, object? State)> _queue = new();

    /// <summary>
    /// Queued while the program runs; once it has finished, a late continuation (a task the program started and
    /// did not await) goes to the thread pool, as it did before this context existed.
    /// </summary>
    public override void Post(SendOrPostCallback d, object? state)
    {
        lock (_queue)
        {
            if (!_queue.IsAddingCompleted)
            {
                _queue.Add((d, state));
                return;
            }
        }
        ThreadPool.QueueUserWorkItem(_ => d(state));
    }

    public override void Send(SendOrPostCallback d, object? state) =>
        throw new NotSupportedException("A differential program sent synchronously to its context.");

    public override SynchronizationContext CreateCopy() => this;

    /// <summary>Starts <paramref name="start"/> on the calling thread under a new context and pumps it until the task ends.</summary>
    /// <exception cref="TimeoutException">The task did not end within <paramref name="limit"/> (it waited on a thread the
    /// context could not give it, or never completes).</exception>
    public static T Run<T>(Func<Task<T>> start, TimeSpan limit)
    {
        var previous = Current;
        var context = new SingleThreadSynchronizationContext();
        SetSynchronizationContext(context);
        try
        {
            var task = start();
            task.ContinueWith(_ => { lock (context._queue) context._queue.CompleteAdding(); }, TaskScheduler.Default);
            var deadline = DateTime.UtcNow + limit;
            while (true)
            {
                var remaining = deadline - DateTime.UtcNow;
                if (remaining <= TimeSpan.Zero) throw new TimeoutException($"The Task world did not finish within {limit}.");
                if (!context._queue.TryTake(out var item, remaining))
                {
                    if (context._queue.IsCompleted) break;
                    continue;
                }
                item.Callback(item.State);
            }
            return task.GetAwaiter().GetResult();
        }
        finally
        {
            SetSynchronizationContext(previous);
        }
    }
}
