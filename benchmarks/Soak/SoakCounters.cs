namespace AsyncGen.Soak;

/// <summary>What the workloads did, counted from any thread; the end-of-run checks compare these.</summary>
internal sealed class SoakCounters
{
    public long Connections;
    public long BytesSent;
    public long BytesEchoedBack;      // received by clients and equal to what they sent
    public long Resets;               // connections the client reset on purpose (RST)
    public long CancelledReads;       // reads the client gave up on (Timeout), then closed the connection
    public long SlowReads;            // connections read back in small slow chunks
    public long ServerResetsSeen;     // echo tasks that saw a reset: expected from the injected RSTs
    public long ServerAcceptErrors;
    public long Mismatches;           // echoed bytes that differ from those sent: must stay 0
    public long UnexpectedErrors;     // any other exception: must stay 0
    public long ItemsSent;
    public long ItemsReceived;
    public long SendsCancelled;
    public long Sleeps;
    public long EarlyWakes;           // a sleep that ended before its duration: must stay 0
    public string? FirstUnexpected;

    public void Unexpected(Exception error)
    {
        Interlocked.Increment(ref UnexpectedErrors);
        Interlocked.CompareExchange(ref FirstUnexpected, error.ToString(), null);
    }
}
