using System.Collections.Generic;
using System.Linq;
using AsyncGen.Generator.Model;

namespace AsyncGen.Generator.Lowering;

/// <summary>
/// The states of a machine cancelling in place while the child it was suspended on finishes its own cleanup: one per
/// await whose child cancels in place (<see cref="AwaitSite.CancelsInPlace"/>), numbered after the awaits' and the
/// cancel entries', in the order of the awaits. Lowering and the header agree through this class.
/// </summary>
internal static class CancellingStates
{
    /// <summary>Await state → its cancelling state.</summary>
    public static Dictionary<int, int> Of(MachineSpec spec)
    {
        var next = spec.Awaits.Select(a => a.State).Concat(spec.CancelEntries.Select(e => e.State)).DefaultIfEmpty(0).Max() + 1;
        var states = new Dictionary<int, int>();
        foreach (var site in spec.Awaits.Where(a => a.CancelsInPlace)) states[site.State] = next++;
        return states;
    }
}
