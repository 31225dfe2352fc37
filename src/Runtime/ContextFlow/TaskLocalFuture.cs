using System.Diagnostics;

namespace AsyncGen;

/// <summary>The future of <see cref="TaskLocal{T}.Scope{TResult}"/>: the inner future, polled and disposed with the
/// task-local set.</summary>
/// <remarks>Allocation-free per poll (a struct; a generated machine embeds it by value).</remarks>
[DebuggerDisplay("TaskLocal scope #{_id}")]
public struct TaskLocalFuture<T, TResult> : IFuture<TResult>
{
    private readonly int _id;
    private readonly object _value; // boxed once by Scope; TaskLocalSlots.NullValue for null
    private readonly IFuture<TResult> _inner;

    internal TaskLocalFuture(int id, object value, IFuture<TResult> inner)
    {
        _id = id;
        _value = value;
        _inner = inner;
    }

    /// <inheritdoc/>
    public Poll<TResult> Poll(ref Context cx)
    {
        var previous = TaskLocalSlots.Exchange(_id, _value);
        try
        {
            return _inner.Poll(ref cx);
        }
        finally
        {
            TaskLocalSlots.Exchange(_id, previous);
        }
    }

    /// <summary>Disposes the inner future with the value set, so its <c>finally</c> blocks can read it.</summary>
    public void Dispose()
    {
        var previous = TaskLocalSlots.Exchange(_id, _value);
        try
        {
            _inner.Dispose();
        }
        finally
        {
            TaskLocalSlots.Exchange(_id, previous);
        }
    }
}
