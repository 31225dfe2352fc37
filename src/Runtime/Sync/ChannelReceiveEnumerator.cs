using System.Diagnostics;
using System.Threading.Tasks.Sources;
using AsyncGen.Tasks;

namespace AsyncGen.Sync;

/// <summary>
/// <c>await foreach</c> over a <see cref="ChannelReceiver{T}"/>, and its <see cref="ChannelReceiver{T}.ReadAllAsync"/>:
/// each <see cref="MoveNextAsync"/> is a receive whose ValueTask this object completes itself (an
/// <see cref="IValueTaskSource{TResult}"/>), woken by the channel through a <see cref="Waker"/> that targets it.
/// </summary>
/// <remarks>
/// <para><b>State</b> (one int, changed by CAS): <c>Idle</c> (no receive outstanding) → <c>Polling</c> (one thread
/// owns the channel registration and polls) → either <c>Idle</c> (item or end: the ValueTask completes) or
/// <c>Waiting</c> (registered with the channel; the ValueTask is outstanding). A wake in <c>Waiting</c> takes
/// <c>Polling</c> and polls on the waking thread; a wake during <c>Polling</c> sets <c>Notified</c>, and the poller
/// polls again instead of parking, so a wake that lands between the channel's "empty" and our <c>Waiting</c> is
/// never lost (the task cell's RUNNING/NOTIFIED rule).</para>
/// <para><b>Which thread runs the consumer's continuation.</b> A <c>MoveNextAsync</c> called inside a task's poll
/// (an <c>async Future</c> method) completes inline on the waking thread: its continuation only wakes that task.
/// Called from Task code, the continuation runs on the thread pool, so user code never runs inside a sender's
/// poll on an executor thread.</para>
/// <para><b>Costs.</b> One object per enumeration, reused by the next <c>await foreach</c> over the same channel
/// once disposed; no allocation per item (the ValueTask source is reset and reused). Inside a task, after
/// <see cref="CoopBudget.PerPoll"/> items received without waiting, a receive yields through the thread pool (this
/// object is the work item: no allocation), so a consumer of a channel that never empties does not starve the
/// executor.</para>
/// </remarks>
[DebuggerDisplay("ChannelReceiveEnumerator (state {_state})")]
internal sealed class ChannelReceiveEnumerator<T> : IAsyncEnumerator<T>, IAsyncEnumerable<T>, IValueTaskSource<bool>, IWakeTarget, IThreadPoolWorkItem
{
    private const int Idle = 0;
    private const int Polling = 1;
    private const int Notified = 2;
    private const int Waiting = 3;

    private readonly ChannelCore<T> _core;
    private ManualResetValueTaskSourceCore<bool> _completion;
    private CancellationToken _token;
    private CancellationTokenRegistration _cancellation;
    private int _state;
    private bool _registered; // the channel's receiver slot; touched only by the owner of Polling
    private T _current = default!;

    public ChannelReceiveEnumerator(ChannelCore<T> core) => _core = core;

    /// <summary>Prepares a (new or reused) enumerator for one enumeration observing <paramref name="token"/>.</summary>
    public ChannelReceiveEnumerator<T> Start(CancellationToken token)
    {
        Debug.Assert(_state == Idle, "an enumerator was reused while a receive was outstanding");
        _token = token;
        _current = default!;
        if (token.CanBeCanceled)
            _cancellation = token.UnsafeRegister(static state => ((ChannelReceiveEnumerator<T>)state!).OnCancelled(), this);
        return this;
    }

    public T Current => _current;

    public ValueTask<bool> MoveNextAsync()
    {
        if (Volatile.Read(ref _state) != Idle)
            throw new InvalidOperationException("MoveNextAsync was called again before the previous call completed.");
        if (_token.IsCancellationRequested) return ValueTask.FromCanceled<bool>(_token);
        _completion.Reset();
        bool inTask = CoopBudget.InTaskPoll;
        _completion.RunContinuationsAsynchronously = !inTask;
        Volatile.Write(ref _state, Polling);
        if (inTask && !CoopBudget.Proceed(Waker.Noop))
        {
            // The task spent its budget: finish this receive from the thread pool, after the executor ran the others.
            Volatile.Write(ref _state, Waiting);
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
            return new ValueTask<bool>(this, _completion.Version);
        }
        if (Advance(out bool hasItem))
        {
            if (inTask) CoopBudget.Spend();
            return new ValueTask<bool>(hasItem);
        }
        return new ValueTask<bool>(this, _completion.Version);
    }

    /// <summary>Stops the enumeration: a pending receive is cancelled (nothing is lost), and the object is kept for
    /// the next enumeration of this channel.</summary>
    public ValueTask DisposeAsync()
    {
        if (Interlocked.CompareExchange(ref _state, Polling, Waiting) == Waiting)
        {
            _core.CancelReceive(ref _registered);
            Volatile.Write(ref _state, Idle);
        }
        _cancellation.Dispose();
        _cancellation = default;
        _token = default;
        _current = default!;
        if (Volatile.Read(ref _state) == Idle) Interlocked.CompareExchange(ref _core.CachedEnumerator, this, null);
        return default;
    }

    public IAsyncEnumerator<T> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        if (cancellationToken.CanBeCanceled && cancellationToken != _token)
        {
            _cancellation.Dispose();
            Start(cancellationToken);
        }
        return this;
    }

    public void Wake(int slot, int generation)
    {
        if (generation != _completion.Version) return; // a wake of an earlier receive
        while (true)
        {
            int state = Volatile.Read(ref _state);
            if (state == Waiting)
            {
                if (Interlocked.CompareExchange(ref _state, Polling, Waiting) == Waiting) break;
            }
            else if (state == Polling)
            {
                if (Interlocked.CompareExchange(ref _state, Notified, Polling) == Polling) return; // the poller polls again
            }
            else
            {
                return;
            }
        }
        CompleteFromWake();
    }

    void IThreadPoolWorkItem.Execute()
    {
        if (Interlocked.CompareExchange(ref _state, Polling, Waiting) == Waiting) CompleteFromWake();
    }

    public bool GetResult(short token) => _completion.GetResult(token);

    public ValueTaskSourceStatus GetStatus(short token) => _completion.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _completion.OnCompleted(continuation, state, token, flags);

    /// <summary>Owner of Polling: polls the channel until it answers or the registration is parked in Waiting.</summary>
    /// <returns>True when the receive finished (state Idle), false when it waits (state Waiting).</returns>
    private bool Advance(out bool hasItem)
    {
        while (true)
        {
            Poll<ReceiveResult<T>> poll;
            try
            {
                poll = _core.PollReceive(ref _registered, new Waker(this, 0, _completion.Version));
            }
            catch
            {
                Volatile.Write(ref _state, Idle);
                throw;
            }
            if (poll.IsReady)
            {
                hasItem = poll.Value.TryGetValue(out _current!);
                Volatile.Write(ref _state, Idle);
                return true;
            }
            if (Interlocked.CompareExchange(ref _state, Waiting, Polling) == Polling)
            {
                hasItem = false;
                return false;
            }
            Volatile.Write(ref _state, Polling); // woken while polling: the item may be there now
        }
    }

    private void CompleteFromWake()
    {
        bool finished;
        bool hasItem;
        try
        {
            finished = Advance(out hasItem);
        }
        catch (Exception error)
        {
            _completion.SetException(error);
            return;
        }
        if (finished) _completion.SetResult(hasItem);
    }

    private void OnCancelled()
    {
        if (Interlocked.CompareExchange(ref _state, Polling, Waiting) != Waiting) return; // not waiting: MoveNextAsync checks the token
        _core.CancelReceive(ref _registered);
        Volatile.Write(ref _state, Idle);
        _completion.SetException(new OperationCanceledException(_token));
    }
}
