namespace AsyncGen.Drivers.IoUring;

/// <summary>What an SQE was for; the low byte of its <c>user_data</c>.</summary>
internal enum OperationKind : byte
{
    Wake = 1,        // the eventfd read that unparks the driver
    Receive = 2,     // multishot recv into the provided-buffer ring
    Accept = 3,      // multishot accept
    Send = 4,        // one send of the registration's send buffer
    PollRead = 5,    // one-shot poll for read readiness (datagrams, connect)
    PollWrite = 6,   // one-shot poll for write readiness
    Cancel = 7,      // an async cancel: its own completion carries nothing we need
}

/// <summary>
/// Packs an SQE's <c>user_data</c>: <c>[ generation : 32 | slot : 24 | kind : 8 ]</c>. The generation makes a
/// completion for a registration whose slot was since reused recognisable (the slot is only reused after every
/// completion of the previous owner arrived, so this is a second line of defence).
/// </summary>
internal static class CompletionToken
{
    /// <summary>Slots above this do not fit in 24 bits.</summary>
    public const int MaxSlot = (1 << 24) - 1;

    public static ulong Make(int slot, int generation, OperationKind kind) =>
        ((ulong)(uint)generation << 32) | ((ulong)(uint)slot << 8) | (byte)kind;

    public static OperationKind Kind(ulong token) => (OperationKind)(byte)token;

    public static int Slot(ulong token) => (int)((token >> 8) & MaxSlot);

    public static int Generation(ulong token) => (int)(token >> 32);
}
