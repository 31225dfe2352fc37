using System.Runtime.CompilerServices;

namespace AsyncGen.Sync;

/// <summary>Inline storage for the wakers of one <see cref="WakeList"/> batch (no heap array).</summary>
[InlineArray(WakeList.Capacity)]
internal struct WakerBuffer
{
    private Waker _first;
}
