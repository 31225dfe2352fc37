namespace AsyncGen.Diagnostics;

/// <summary>What an <see cref="AsyncFrame"/> stands for.</summary>
public enum AsyncFrameKind
{
    /// <summary>A method suspended at an await (generated or fallback machine, hand-written future).</summary>
    Await,

    /// <summary>A leaf waiting on something that will wake it: a timer, socket readiness, a channel, a lock.</summary>
    Resource,

    /// <summary>A join handle: the frames that follow belong to the awaited task.</summary>
    Join,
}
