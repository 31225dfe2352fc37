using System.Diagnostics;

namespace AsyncGen;

/// <summary>
/// A future polled (and disposed) inside the <see cref="ExecutionContext"/> captured when it was wrapped, so
/// <see cref="AsyncLocal{T}"/> values, logging scopes and <c>Activity.Current</c> flow into a spawned task like
/// they flow into a <see cref="Task"/> (<c>future.WithExecutionContext()</c>, or an executor's
/// <c>FlowExecutionContext</c>).
/// </summary>
/// <remarks>
/// <para>Changes the task makes to async-locals persist across its own polls (the context is captured again after
/// each poll) and never leak into the executor thread or other tasks (the thread's context is restored).</para>
/// <para>Costs: one object per task; per poll, two <see cref="ExecutionContext.Capture"/>s and two
/// <see cref="ExecutionContext.Restore"/>s — no allocation unless the task itself changes an async-local (each
/// change copies the context, as in Task code). Opt-in because a poll without it costs none of this; for values
/// read on the hot path prefer <see cref="TaskLocal{T}"/>.</para>
/// </remarks>
[DebuggerDisplay("WithExecutionContext")]
public sealed class ExecutionContextFuture<T> : IFuture<T>
{
    private readonly IFuture<T> _inner;
    private ExecutionContext? _context; // null: flow was suppressed at capture; the future then runs as is

    internal ExecutionContextFuture(IFuture<T> inner)
    {
        _inner = inner;
        _context = ExecutionContext.Capture();
    }

    /// <inheritdoc/>
    public Poll<T> Poll(ref Context cx)
    {
        if (_context is null) return _inner.Poll(ref cx);
        var thread = ExecutionContext.Capture();
        ExecutionContext.Restore(_context);
        try
        {
            return _inner.Poll(ref cx);
        }
        finally
        {
            _context = ExecutionContext.Capture() ?? _context;
            if (thread is not null) ExecutionContext.Restore(thread);
        }
    }

    /// <summary>Disposes the inner future inside the task's context, so its cleanup sees the same async-locals.</summary>
    public void Dispose()
    {
        if (_context is null)
        {
            _inner.Dispose();
            return;
        }
        var thread = ExecutionContext.Capture();
        ExecutionContext.Restore(_context);
        try
        {
            _inner.Dispose();
        }
        finally
        {
            if (thread is not null) ExecutionContext.Restore(thread);
        }
    }
}
