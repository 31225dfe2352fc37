namespace AsyncGen.Sync;

/// <summary>
/// The tickets of an <see cref="AsyncSemaphore"/>'s outstanding <see cref="SemaphorePermit"/>s, embedded in the
/// semaphore: one inline ticket, and a <see cref="PermitLedger"/> created the first time two permits are held at once.
/// </summary>
/// <remarks>
/// <para>Most semaphores made per key or per connection never have two holders at once (a lock, a pool of one), so
/// the inline ticket serves them without allocating: a semaphore and its first acquire/release cost what they did
/// before permits had tickets. It is also the cheaper path: one CAS to take it and one to retire it, where a ledger
/// slot costs three (pop, retire, push).</para>
/// <para><b>The inline ticket</b> is a generation whose low bit says whether it is taken: taking it is the CAS from an
/// even value to the next (odd) one, which a permit carries; retiring is the CAS from that odd value to the next (even)
/// one, which exactly one disposal of the permit or of a copy can win. A stale copy would match again only after
/// 2^31 reuses of the inline ticket.</para>
/// </remarks>
internal struct PermitTickets
{
    /// <summary>The slot number a permit carries when it holds the inline ticket (ledger slots are 0 and up).</summary>
    public const int InlineSlot = -1;

    private int _inline; // even: free; odd: held by the permit that carries this value
    private PermitLedger? _ledger;

    /// <summary>Takes the inline ticket if it is free, else a slot of the ledger (creating the ledger the first time).</summary>
    public void Issue(out int slot, out int generation)
    {
        int inline = Volatile.Read(ref _inline);
        if ((inline & 1) == 0 && Interlocked.CompareExchange(ref _inline, inline + 1, inline) == inline)
        {
            slot = InlineSlot;
            generation = inline + 1;
            return;
        }
        Ledger().Issue(out slot, out generation);
    }

    /// <summary>
    /// Retires the permit issued as (<paramref name="slot"/>, <paramref name="generation"/>): true for its first
    /// disposal, false for any later one (of it or of a copy).
    /// </summary>
    public bool Retire(int slot, int generation) => slot == InlineSlot
        ? Interlocked.CompareExchange(ref _inline, unchecked(generation + 1), generation) == generation
        : Volatile.Read(ref _ledger)!.Retire(slot, generation); // a ledger slot was issued, so the ledger exists

    /// <summary>True while the permit issued as (<paramref name="slot"/>, <paramref name="generation"/>) is not retired.</summary>
    public readonly bool IsOutstanding(int slot, int generation) => slot == InlineSlot
        ? Volatile.Read(in _inline) == generation
        : Volatile.Read(in _ledger)!.IsOutstanding(slot, generation);

    private PermitLedger Ledger()
    {
        var ledger = Volatile.Read(ref _ledger);
        if (ledger is not null) return ledger;
        var created = new PermitLedger();
        return Interlocked.CompareExchange(ref _ledger, created, null) ?? created;
    }
}
