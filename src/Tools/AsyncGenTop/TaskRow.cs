namespace AsyncGen.Tools.Top;

/// <summary>One live task of the target process, as its <c>TaskDumped</c> event describes it.</summary>
/// <param name="Executor">The executor's tag: <c>local-1</c>, <c>work-stealing-2</c>.</param>
/// <param name="Id">The task's process-wide number.</param>
/// <param name="Name">What was spawned (the machine, fallback method or future type).</param>
/// <param name="State"><c>idle</c>, <c>scheduled</c>, <c>running</c> (plus <c>+notified</c>, <c>+aborting</c>).</param>
/// <param name="Polls">Polls so far.</param>
/// <param name="IdleMs">Time since its last poll, in milliseconds.</param>
/// <param name="Backtrace">Where it is suspended, innermost first.</param>
internal sealed record TaskRow(string Executor, long Id, string Name, string State, int Polls, double IdleMs, string Backtrace)
{
    /// <summary>Polls per second since the previous refresh (null on the first).</summary>
    public double? PollRate { get; init; }
}
