namespace AsyncGen;

/// <summary>One future inside a join, with its result once it has one.</summary>
internal struct JoinSide<T>(IFuture<T> future)
{
    private T? _result;
    private bool _hasResult;
    private bool _cleaning; // cancelled in place and its cleanup waits: the join polls it until it ends

    /// <summary>True once the future completed, threw or was cancelled: it must not be polled or disposed again.</summary>
    public bool IsDone { get; private set; }

    /// <summary>Polls the future unless it is done; true when it is done. An exception marks it done and propagates.</summary>
    public bool Poll(ref Context cx)
    {
        if (IsDone) return true;
        Poll<T> poll;
        try
        {
            poll = future.Poll(ref cx);
        }
        catch
        {
            IsDone = true; // a future that threw has finished: it is not disposed afterwards
            throw;
        }
        if (poll.IsReady)
        {
            _result = poll.Value;
            _hasResult = true;
            IsDone = true;
        }
        return IsDone;
    }

    /// <summary>The result, handed over once (the side keeps no reference to it).</summary>
    public T TakeResult()
    {
        var result = _result!;
        _result = default;
        _hasResult = false;
        return result;
    }

    /// <summary>
    /// Cancels the side for a join that waits for its cleanup (<see cref="IFuture{T}.CancelInPlace"/>): true when that
    /// cleanup waits, and <see cref="PollCleanup"/> finishes it. A result nobody will take is disposed, as by <see cref="Cancel"/>.
    /// </summary>
    public bool CancelInPlace()
    {
        if (_hasResult || IsDone)
        {
            Cancel();
            return false;
        }
        IsDone = true; // if the cancel throws, the future has finished
        _cleaning = future.CancelInPlace();
        return _cleaning;
    }

    /// <summary>Polls the cleanup <see cref="CancelInPlace"/> left waiting; true once it ended (or if none waits). What it throws propagates.</summary>
    public bool PollCleanup(ref Context cx)
    {
        if (!_cleaning) return true;
        try
        {
            if (future.Poll(ref cx).IsPending) return false; // its value, once ready, means nothing
        }
        catch
        {
            _cleaning = false;
            throw;
        }
        _cleaning = false;
        return true;
    }

    /// <summary>
    /// Cancels the side: disposes the future if it is still running (which cuts a cleanup that waits), or else a
    /// result nobody will take that owns something (a <c>MutexGuard</c>, a permit, a stream): dropping the join drops
    /// it, as in Rust.
    /// </summary>
    public void Cancel()
    {
        if (_hasResult)
        {
            var result = TakeResult();
            (result as IDisposable)?.Dispose();
            return;
        }
        if (_cleaning)
        {
            _cleaning = false;
            future.Dispose();
            return;
        }
        if (IsDone) return;
        IsDone = true;
        future.Dispose();
    }
}
