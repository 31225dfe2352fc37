using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace AsyncGen.Sync;

/// <summary>
/// One waker slot that a single receiver arms and any number of other threads wake, without a lock (tokio's
/// <c>AtomicWaker</c>, reworked for a struct <see cref="Waker"/> that cannot be swapped atomically). Embedded by
/// value in its owner and used through a <c>ref</c>.
/// </summary>
/// <remarks>
/// <para><b>States</b> (one int, <see cref="_state"/>):</para>
/// <code>
///   Idle ──Register (same waker)──▶ Armed ──Wake (CAS)──▶ Waking ──waker copied──▶ Idle, then woken
///    │ ▲                              │ ▲
///    └─┴── Register (another waker) ──┴─┴── Writing ──waker stored──▶ Armed
/// </code>
/// <para><b>Who touches the waker.</b> Only the receiver writes <see cref="_waker"/>, and only in <c>Writing</c>;
/// a waker reads it only in <c>Waking</c>, which it entered by the CAS from <c>Armed</c> that also disarms the
/// slot, so one wake-up consumes one registration and the two states exclude each other. The receiver may read
/// its own field at any time (nobody else writes it): a task that re-registers the same waker — every pending poll
/// of a channel receive but the first — costs one interlocked exchange, no write of the waker.</para>
/// <para><b>No lost wake-up.</b> The waking side makes its item (or the close) visible, then does its CAS; the
/// receiver arms with an interlocked operation, then re-checks for an item. Both are full fences, so at least one
/// of them sees the other: either the receiver's re-check finds the item, or the waker's CAS finds the slot armed.
/// A register that finds <c>Waking</c> with a different waker cannot store it (the old one is being read): it
/// wakes the new waker itself, as tokio does; at worst a spurious poll.</para>
/// </remarks>
[DebuggerDisplay("AtomicWaker ({StateName,nq})")]
internal struct AtomicWaker
{
    private const int Idle = 0;
    private const int Armed = 1;
    private const int Waking = 2;
    private const int Writing = 3;

    private Waker _waker;
    private int _state;

    /// <summary>True while a registration waits for its wake-up (a snapshot).</summary>
    public readonly bool IsArmed => Volatile.Read(in _state) == Armed;

    private readonly string StateName => _state switch { Idle => "idle", Armed => "armed", Waking => "waking", _ => "writing" };

    /// <summary>
    /// Receiver only: the next <see cref="Wake"/> wakes <paramref name="waker"/>. Ends with a full fence, so the
    /// caller's re-check of its condition after this call cannot miss a wake-up.
    /// </summary>
    public void Register(in Waker waker)
    {
        if (_waker.WillWake(waker))
        {
            // Idle: only we leave it, so the exchange cannot overwrite a waker's state. Armed: still armed.
            // Waking: a waker is waking this very waker. Either way the exchange is the fence the caller needs.
            if (Volatile.Read(ref _state) == Idle) Interlocked.Exchange(ref _state, Armed);
            else Interlocked.MemoryBarrier();
            return;
        }
        RegisterAnother(waker);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void RegisterAnother(in Waker waker)
    {
        int state = Volatile.Read(ref _state);
        while (true)
        {
            if (state == Waking)
            {
                waker.Wake(); // the old waker is being read and woken: wake the new one too
                return;
            }
            Debug.Assert(state != Writing, "two receivers register at once");
            int seen = Interlocked.CompareExchange(ref _state, Writing, state);
            if (seen == state) break;
            state = seen;
        }
        _waker = waker;
        Interlocked.Exchange(ref _state, Armed);
    }

    /// <summary>Wakes the registered waker once, if the slot is armed. Any thread; call after publishing what it waits for.</summary>
    public void Wake()
    {
        if (Interlocked.CompareExchange(ref _state, Waking, Armed) != Armed) return;
        var waker = _waker;
        Volatile.Write(ref _state, Idle); // only we leave Waking: the receiver's CASes from Idle/Armed failed meanwhile
        waker.Wake();
    }

    /// <summary>Receiver only: the registration is no longer needed (the item came, or the receive was dropped).</summary>
    public void Disarm()
    {
        if (Volatile.Read(ref _state) == Armed) Interlocked.CompareExchange(ref _state, Idle, Armed);
    }
}
