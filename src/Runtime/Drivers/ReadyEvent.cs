namespace AsyncGen.Drivers;

/// <summary>
/// Readiness observed by an operation, stamped with the reactor tick that set it, so that
/// <see cref="ScheduledIo.ClearReadiness"/> clears only what the operation saw (tokio's <c>ReadyEvent</c>).
/// </summary>
internal readonly record struct ReadyEvent(int Generation, int Tick, Ready Ready);
