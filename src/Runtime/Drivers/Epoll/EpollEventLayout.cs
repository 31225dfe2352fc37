using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AsyncGen.Drivers.Epoll;

/// <summary>
/// Reads and writes <c>struct epoll_event { uint32_t events; uint64_t data; }</c> in native memory.
/// </summary>
/// <remarks>
/// The kernel declares it <c>__attribute__((packed))</c> on x86-64 only (<c>EPOLL_PACKED</c> in
/// <c>uapi/linux/eventpoll.h</c>): there it is 12 bytes with <c>data</c> at offset 4. Everywhere else (arm64, ...)
/// <c>data</c> is naturally aligned: 16 bytes, offset 8. One C# struct cannot have both layouts, so the offsets
/// are chosen once at startup and the fields are accessed unaligned.
/// </remarks>
internal static unsafe class EpollEventLayout
{
    private static readonly bool s_packed =
        RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.X86;

    /// <summary>sizeof(struct epoll_event): 12 on x86-64, 16 on arm64.</summary>
    public static int Size { get; } = s_packed ? 12 : 16;

    private static int DataOffset => s_packed ? 4 : 8;

    public static void Write(byte* evt, uint events, ulong data)
    {
        Unsafe.WriteUnaligned(evt, events);
        Unsafe.WriteUnaligned(evt + DataOffset, data);
    }

    public static uint ReadEvents(byte* evt) => Unsafe.ReadUnaligned<uint>(evt);

    public static ulong ReadData(byte* evt) => Unsafe.ReadUnaligned<ulong>(evt + DataOffset);
}
