using System.Diagnostics;

namespace AsyncGen.Sync;

/// <summary>The state shared by the two ends of a <see cref="Oneshot"/> channel.</summary>
/// <remarks>
/// <code>
///   Empty ──Send──▶ Sent ──receive──▶ Taken
///     │ └─sender disposed─▶ SenderGone (receiver completes Closed)
///     └─receiver disposed─▶ ReceiverGone (Send returns false)
/// </code>
/// Every transition happens under the lock; the receiver's waker is woken after it is released.
/// </remarks>
[DebuggerDisplay("Oneshot ({_state})")]
internal sealed class OneshotCell<T>
{
    private readonly Lock _lock = new();
    private State _state;
    private T? _value;
    private Waker _receiver;

    public bool IsReceiverGone
    {
        get
        {
            lock (_lock) return _state == State.ReceiverGone;
        }
    }

    public bool Send(T value)
    {
        Waker receiver;
        lock (_lock)
        {
            AssertInvariant();
            if (_state != State.Empty) return false;
            _value = value;
            _state = State.Sent;
            receiver = TakeReceiverWaker();
        }
        receiver.Wake();
        return true;
    }

    public void CloseSender()
    {
        Waker receiver;
        lock (_lock)
        {
            AssertInvariant();
            if (_state != State.Empty) return;
            _state = State.SenderGone;
            receiver = TakeReceiverWaker();
        }
        receiver.Wake();
    }

    public Poll<ReceiveResult<T>> PollReceive(in Waker waker)
    {
        lock (_lock)
        {
            AssertInvariant();
            switch (_state)
            {
                case State.Sent:
                    var value = _value!;
                    _value = default;
                    _state = State.Taken;
                    return Poll<ReceiveResult<T>>.Ready(ReceiveResult<T>.Received(value));
                case State.SenderGone:
                    return Poll<ReceiveResult<T>>.Ready(ReceiveResult<T>.Closed);
                case State.Empty:
                    if (!_receiver.WillWake(waker)) _receiver = waker;
                    return Poll<ReceiveResult<T>>.Pending;
                default:
                    throw new InvalidOperationException("The oneshot receiver was polled after it completed or was disposed.");
            }
        }
    }

    public void CloseReceiver()
    {
        lock (_lock)
        {
            AssertInvariant();
            _receiver = default;
            _value = default; // a value sent but never received is dropped with the receiver
            if (_state is State.Empty or State.Sent) _state = State.ReceiverGone;
        }
    }

    private Waker TakeReceiverWaker()
    {
        var waker = _receiver;
        _receiver = default;
        return waker;
    }

    // A waker is stored only while the receiver may still need waking.
    [Conditional("DEBUG")]
    private void AssertInvariant() =>
        Debug.Assert(_receiver.IsNoop || _state == State.Empty, "a receiver waker is kept after the channel moved on");

    private enum State : byte
    {
        Empty,
        Sent,
        Taken,
        SenderGone,
        ReceiverGone,
    }
}
