namespace AsyncGen.Generator.Model;

/// <summary>How an awaited value is driven.</summary>
internal enum AwaitKind
{
    /// <summary>A struct future (a [PollAsync] machine or e.g. <c>SleepFuture</c>), embedded by value.</summary>
    StructFuture,

    /// <summary>A future object (<c>Future&lt;T&gt;</c>, <c>JoinHandle&lt;T&gt;</c>), held by reference.</summary>
    ClassFuture,

    /// <summary>Any other awaitable (<c>Task</c>, <c>ValueTask</c>, custom): its awaiter wakes us via a relay.</summary>
    Awaiter,
}
