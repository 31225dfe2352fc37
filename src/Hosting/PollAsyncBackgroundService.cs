using AsyncGen.Diagnostics;
using AsyncGen.Tasks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AsyncGen.Hosting;

/// <summary>
/// A long-running hosted service whose work is a future spawned on the host's <see cref="WorkStealingExecutor"/>
/// (the <c>BackgroundService</c> of AsyncGen). Register the executor with <c>services.AddAsyncGen()</c> first.
/// </summary>
/// <remarks>
/// <para><b>Writing one.</b> Return a <c>[PollAsync]</c> method's future from <see cref="ExecuteAsync"/>:
/// <code>
/// protected override Future ExecuteAsync(CancellationToken stoppingToken) => RunAsync(stoppingToken);
///
/// [PollAsync]
/// private async Future RunAsync(CancellationToken stoppingToken) { ... }
/// </code>
/// The body lives in its own method because the generator replaces <i>calls</i> to a <c>[PollAsync]</c> method with
/// its struct machine (interception), and this class's virtual call to <see cref="ExecuteAsync"/> is not one it can
/// see; <c>[PollAsync]</c> on the override itself would run on the fallback builder. That case is logged as a
/// warning at start.</para>
/// <para><b>Stopping.</b> <see cref="StopAsync"/> cancels <c>stoppingToken</c>. A task that this wakes (it waits on
/// the token: <c>Task.Delay(period, stoppingToken)</c>, <c>WithCancellation</c>, <c>stoppingToken.AsFuture()</c>)
/// gets <see cref="StopGracePeriod"/> (5 s) to finish on its own, as a <c>BackgroundService</c> does: its
/// <c>catch (OperationCanceledException)</c> and the graceful work after its loop run. Then, or at once for a task
/// parked on a timer, a socket, a channel or a lock (it cannot be woken by the token), the task is aborted: the future is disposed on its executor (cancellation is
/// dispose), so the <c>finally</c> blocks and <c>using</c> disposals around its current <c>await</c> run before the
/// host goes on stopping (catch blocks do not run on dispose). If the host's shutdown timeout
/// expires first, <see cref="StopAsync"/> returns and the executor's own shutdown finishes the cleanup. A
/// <c>finally</c> block that has to await finishes in a task of its own; the executor's hosted service waits for
/// such blocks, within the same timeout, before it disposes the executor.</para>
/// <para><b>Failures.</b> An exception that ends <see cref="ExecuteAsync"/>, or a task spawned with
/// <see cref="SpawnDetached{T}"/>, is logged as an error through the service's <see cref="ILogger"/> (nobody else
/// observes it). A failure of <see cref="ExecuteAsync"/> then stops the host, as a failing <c>BackgroundService</c>
/// does by default (<see cref="AsyncGenOptions.StopHostOnServiceFailure"/>); a failing detached task does not.</para>
/// </remarks>
public abstract partial class PollAsyncBackgroundService : IHostedService, IDisposable
{
    private readonly WorkStealingExecutor _executor;
    private readonly ILogger _logger;
    private readonly TimeSpan _stopGracePeriod = TimeSpan.FromSeconds(5);
    private CancellationTokenSource? _stopping;
    private ServiceTaskFuture<Unit>? _running;
    private JoinHandle<Unit>? _handle;

    /// <summary>Creates the service on <paramref name="executor"/>, logging to <paramref name="logger"/>.</summary>
    protected PollAsyncBackgroundService(WorkStealingExecutor executor, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(executor);
        ArgumentNullException.ThrowIfNull(logger);
        _executor = executor;
        _logger = logger;
    }

    /// <summary>
    /// Spawns <paramref name="future"/> on the service's executor as a detached task that nobody awaits: an
    /// exception that ends it is logged as an error through the service's logger instead of being lost. Returns a
    /// handle that can only abort it. At host stop, detached tasks still running are disposed with the executor.
    /// </summary>
    protected JoinHandle<Unit> SpawnDetached<T>(IFuture<T> future, string name)
    {
        ArgumentNullException.ThrowIfNull(future);
        ArgumentNullException.ThrowIfNull(name);
        return _executor.Spawn(new ServiceTaskFuture<T>(future, name, _logger));
    }

    /// <summary>The task running <see cref="ExecuteAsync"/>, as a Task: completes when it returns, faults with its
    /// exception, or is cancelled when stopped. Null before <see cref="StartAsync"/>.</summary>
    public Task? ExecuteTask => _running?.Completion;

    /// <summary>
    /// The service's work: return the future of a <c>[PollAsync]</c> method (see the remarks of the class).
    /// <paramref name="stoppingToken"/> is cancelled when the host stops, just before the task is disposed.
    /// </summary>
    protected abstract Future ExecuteAsync(CancellationToken stoppingToken);

    /// <summary>Spawns <see cref="ExecuteAsync"/> on the executor; returns at once.</summary>
    public virtual Task StartAsync(CancellationToken cancellationToken)
    {
        if (_running is not null) throw new InvalidOperationException("The service was already started.");
        _stopping = new CancellationTokenSource();
        var future = ExecuteAsync(_stopping.Token) ?? throw new InvalidOperationException($"{GetType().Name}.ExecuteAsync returned null.");
        if (future is AsyncGen.Fallback.IFallbackBox<Unit>) LogFallback(GetType().Name);
        _running = new ServiceTaskFuture<Unit>(future, GetType().Name, _logger);
        _handle = _executor.Spawn(_running);
        return Task.CompletedTask;
    }

    /// <summary>
    /// How long <see cref="StopAsync"/> lets a task that may observe its cancelled <c>stoppingToken</c> finish on its
    /// own (its <c>catch (OperationCanceledException)</c> and the graceful work after its loop) before disposing it.
    /// Default 5 seconds; never longer than the host's shutdown timeout. <see cref="TimeSpan.Zero"/> disposes at once;
    /// <see cref="Timeout.InfiniteTimeSpan"/> waits as long as the host's shutdown timeout allows (as
    /// <c>HostOptions.ShutdownTimeout</c> reads it).
    /// </summary>
    /// <remarks>Set it in the service's constructor (<c>StopGracePeriod = TimeSpan.FromSeconds(20);</c>). A task parked
    /// on a runtime resource (a timer, a socket, a channel, a lock: it cannot be woken by the token) is disposed at
    /// once, whatever this says.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative (other than
    /// <see cref="Timeout.InfiniteTimeSpan"/>) or longer than <see cref="MaxStopGracePeriod"/>.</exception>
    protected TimeSpan StopGracePeriod
    {
        get => _stopGracePeriod;
        init
        {
            if (value != Timeout.InfiniteTimeSpan && (value < TimeSpan.Zero || value > MaxStopGracePeriod))
            {
                throw new ArgumentOutOfRangeException(nameof(StopGracePeriod), value,
                    $"StopGracePeriod must be TimeSpan.Zero (dispose at once), a positive span up to {MaxStopGracePeriod} " +
                    "(the longest wait Task.WaitAsync accepts), or Timeout.InfiniteTimeSpan (wait as long as the host's shutdown timeout allows).");
            }
            _stopGracePeriod = value;
        }
    }

    /// <summary>The longest finite <see cref="StopGracePeriod"/>: 4,294,967,294 ms (about 49.7 days), the limit of
    /// <see cref="Task.WaitAsync(TimeSpan, CancellationToken)"/> (and of the timers behind it).</summary>
    protected static TimeSpan MaxStopGracePeriod => TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    /// <summary>
    /// Cancels the stopping token; lets a task that may observe it finish on its own (within
    /// <see cref="StopGracePeriod"/>), as <c>BackgroundService.StopAsync</c> waits for <c>ExecuteTask</c>; then
    /// disposes the running future (its <c>finally</c> blocks run) and waits for that cleanup, or for
    /// <paramref name="cancellationToken"/> (the host's shutdown timeout).
    /// </summary>
    public virtual async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_running is null) return;
        try
        {
            // Looked at before the cancellation: once cancelled, a task that reacted may already be parked on a timer
            // in its graceful work after the loop, which would read as "cannot be woken by the token".
            bool mayObserve = StopGracePeriod != TimeSpan.Zero && MayObserveStoppingToken(_handle!.Value);
            _stopping!.Cancel();
            if (mayObserve)
            {
                // As a BackgroundService's ExecuteAsync would: its catch block and the work after its loop run
                // instead of being cut by the dispose.
                await _running.Completion.WaitAsync(StopGracePeriod, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                if (!_running.Completion.IsCompleted && !cancellationToken.IsCancellationRequested) LogGraceExpired(GetType().Name, StopGracePeriod);
            }
        }
        finally
        {
            _handle!.Value.Abort(); // no effect on a task that finished on its own
            // The outcome (cancelled, or a failure already logged) is not this method's to rethrow; a shutdown timeout
            // ends the wait only.
            await _running.Completion.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>
    /// False when the task, parked (before its token is cancelled), waits on a runtime resource (its innermost async frame is a timer, a socket, a
    /// channel or a lock): nothing there is woken by a token, so waiting would only delay the stop (the AsyncGen idiom
    /// that ignores <c>stoppingToken</c> and relies on the dispose). True otherwise: it runs, is queued, or waits on
    /// a Task, a ValueTask or a combinator, any of which the token may complete.
    /// </summary>
    /// <remarks>
    /// <para>Decided from the task's frames, not from a wake after <c>Cancel</c>: the continuation a cancelled
    /// <c>Task.Delay(period, token)</c> runs is not always inline (measured: posted to the thread pool when the
    /// await captured the default ExecutionContext), so no wake can be read right after <c>Cancel</c> returns.</para>
    /// <para>The frames are read on this (the host's) thread while a worker may start polling the machine, so the read
    /// is validated as a sequence lock is: the poll count (which the same atomic step that marks the task Running
    /// increments) is read before and after, and a read during which a poll started, or which throws, is not trusted
    /// and answers true (the grace period, <c>BackgroundService</c>'s behaviour: the safe side).</para>
    /// </remarks>
    /// <summary>How long a stop waits for a task caught mid-poll to park before it reads it as running.</summary>
    private static readonly TimeSpan SettleLimit = TimeSpan.FromMilliseconds(100);

    private static bool MayObserveStoppingToken(JoinHandle<Unit> handle)
    {
        var task = handle.Task;
        if (task.IsComplete) return false;
        // A task caught mid-poll (or queued) usually parks within microseconds (e.g. a service stopped right after it
        // started): let it settle, briefly, rather than read it as running and hold the stop for the grace period.
        const TaskState Busy = TaskState.Running | TaskState.Scheduled | TaskState.Notified;
        SpinWait.SpinUntil(() => task.IsComplete || (task.State & Busy) == 0, SettleLimit);
        if (task.IsComplete) return false;
        int polls = task.PollCount;
        if ((task.State & Busy) != 0) return true;
        var frames = new List<AsyncFrame>();
        try
        {
            task.CollectOwnFrames(frames);
        }
        catch (Exception)
        {
            return true; // a poll started meanwhile and changed the machine under us: it runs
        }
        Interlocked.MemoryBarrier(); // the frame reads above complete before the poll count is read again
        if (task.PollCount != polls || (task.State & TaskState.Running) != 0) return true; // possibly torn: a poll started
        return frames.Count == 0 || frames[^1].Kind != AsyncFrameKind.Resource;
    }

    /// <summary>Releases the stopping token source.</summary>
    public virtual void Dispose()
    {
        _stopping?.Dispose();
        GC.SuppressFinalize(this);
    }

    [LoggerMessage(11, LogLevel.Warning, "{Service} did not finish within {GracePeriod} of its stopping token being cancelled: its task is " +
        "disposed now (its finally blocks run; catch blocks and the code after its await do not). Return once stoppingToken is cancelled " +
        "(pass it to what the service awaits), or set StopGracePeriod in its constructor (TimeSpan.Zero: dispose at once).")]
    private partial void LogGraceExpired(string service, TimeSpan gracePeriod);

    [LoggerMessage(10, LogLevel.Warning, "{Service}.ExecuteAsync runs on the fallback builder, not a generated machine: " +
        "move its body into a [PollAsync] method and return that method's future from ExecuteAsync (a virtual call cannot be intercepted).")]
    private partial void LogFallback(string service);
}
