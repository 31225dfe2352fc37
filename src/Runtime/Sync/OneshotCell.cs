using System.Diagnostics;

namespace AsyncGen.Sync;

/// <summary>The state shared by the two ends of a <see cref="Oneshot"/> channel: one state word, no lock.</summary>
/// <remarks>
/// <para><b>The state word</b> (tokio's <c>oneshot</c>: an atomic state, the value, a waker slot), bits:</para>
/// <code>
///   Claimed   a Send or the sender's Dispose has begun: every later one is refused (copies of the sender race)
///   Complete  the sender's outcome is published: the value (with HasValue) or "closed without a value"
///   HasValue  with Complete: _value holds the sent value
///   RxWaker   _receiver holds the waker of the receiver's latest pending poll, for the completer to wake
///   RxGone    the receiver was disposed: a send is refused, a value already sent is dropped
///   Taken     the receiver took the value
///
///   (none) ──Send: CAS +Claimed──▶ write _value ──Or +Complete+HasValue──▶ value sent ──receive──▶ +Taken
///     │ └──sender disposed: CAS +Claimed+Complete──▶ receiver completes Closed
///     └──receiver disposed: Or +RxGone──▶ Send refused (or, if it lost the race, takes its value back)
/// </code>
/// <para><b>Who touches what.</b> <c>_value</c>: the sender between its claim and its Complete; afterwards the
/// receiver (take, or drop on dispose). A sender that finds RxGone in the Or that completes it takes its value back
/// (the receiver, gone before Complete, never looks at it). <c>_receiver</c>: the receiver writes it only while
/// RxWaker is clear and the cell not Complete; the completer reads it only if the Or that completed the cell found
/// RxWaker set. The receiver clears RxWaker before rewriting the waker and sets it again with an Or that returns
/// Complete if the sender finished in between (then it takes the value instead of waiting), so a completion can
/// never fall between the receiver's look and its registration.</para>
/// <para>After Complete only the receiver changes the word (the sender's later calls see Claimed and leave).</para>
/// </remarks>
[DebuggerDisplay("Oneshot (state {_state})")]
internal sealed class OneshotCell<T>
{
    private const int Claimed = 1;
    private const int Complete = 2;
    private const int HasValue = 4;
    private const int RxWaker = 8;
    private const int RxGone = 16;
    private const int Taken = 32;

    private int _state;
    private T? _value;
    private Waker _receiver;

    public bool IsReceiverGone => (Volatile.Read(ref _state) & RxGone) != 0;

    public bool Send(T value) => TryClaimSend() && Publish(value);

    /// <summary>The first step of <see cref="Send"/>: claims the sender's one action (false: refused).</summary>
    internal bool TryClaimSend() => TryClaim(0, out _);

    /// <summary>The second step of <see cref="Send"/>, after a successful claim: publishes the value and wakes the receiver.</summary>
    internal bool Publish(T value)
    {
        Debug.Assert((Volatile.Read(ref _state) & (Claimed | Complete)) == Claimed, "Publish without a claim, or twice");
        _value = value;
        int before = Interlocked.Or(ref _state, Complete | HasValue);
        if ((before & RxGone) != 0)
        {
            _value = default; // the receiver left before the value was there: it stays refused, nothing is kept
            return false;
        }
        if ((before & RxWaker) != 0) _receiver.Wake();
        return true;
    }

    public void CloseSender()
    {
        if (TryClaim(Complete, out int before) && (before & RxWaker) != 0) _receiver.Wake();
    }

    public Poll<ReceiveResult<T>> PollReceive(in Waker waker)
    {
        int state = Volatile.Read(ref _state);
        if ((state & (RxGone | Taken)) != 0)
            throw new InvalidOperationException("The oneshot receiver was polled after it completed or was disposed.");
        if ((state & Complete) != 0) return Take(state);
        if ((state & RxWaker) != 0)
        {
            if (_receiver.WillWake(waker)) return Poll<ReceiveResult<T>>.Pending; // armed with this very waker
            // Take the waker back before rewriting it; the completer may have finished meanwhile.
            state = Interlocked.And(ref _state, ~RxWaker);
            if ((state & Complete) != 0) return Take(state);
        }
        _receiver = waker;
        state = Interlocked.Or(ref _state, RxWaker);
        return (state & Complete) != 0 ? Take(state) : Poll<ReceiveResult<T>>.Pending;
    }

    public void CloseReceiver()
    {
        int before = Interlocked.Or(ref _state, RxGone);
        if ((before & (Complete | HasValue | Taken)) == (Complete | HasValue)) _value = default; // sent, never received: dropped with the receiver
    }

    // Claims the sender's one action unless it was taken or the receiver is gone; `extra` joins the claim's CAS,
    // and `before` is the word that CAS replaced.
    private bool TryClaim(int extra, out int before)
    {
        before = Volatile.Read(ref _state);
        while (true)
        {
            if ((before & (Claimed | RxGone)) != 0) return false;
            int seen = Interlocked.CompareExchange(ref _state, before | Claimed | extra, before);
            if (seen == before) return true;
            before = seen;
        }
    }

    private Poll<ReceiveResult<T>> Take(int state)
    {
        if ((state & HasValue) == 0) return Poll<ReceiveResult<T>>.Ready(ReceiveResult<T>.Closed);
        var value = _value!;
        _value = default;
        // Complete: nobody else writes the word any more (see the remarks), so a plain release store is enough.
        Volatile.Write(ref _state, Volatile.Read(ref _state) | Taken);
        return Poll<ReceiveResult<T>>.Ready(ReceiveResult<T>.Received(value));
    }
}
