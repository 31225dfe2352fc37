using System.Diagnostics;

namespace AsyncGen.Sync;

/// <summary>
/// Names one entry of a <see cref="WaiterQueue"/>: slot plus generation, so a token kept by a future that was
/// already served (its slot freed and reused) can never touch the new occupant.
/// </summary>
[DebuggerDisplay("{IsNone ? \"none\" : $\"slot {Slot} generation {Generation}\",nq}")]
internal readonly struct WaiterToken(int slot, int generation)
{
    /// <summary>The index of the entry in the queue's slab.</summary>
    public int Slot { get; } = slot;

    /// <summary>The generation the slot had when the entry was created; generations start at 1.</summary>
    public int Generation { get; } = generation;

    /// <summary>True for <c>default</c>: the future has not registered (or was already served).</summary>
    public bool IsNone => Generation == 0;
}
