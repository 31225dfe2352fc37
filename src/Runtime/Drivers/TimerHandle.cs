namespace AsyncGen.Drivers;

/// <summary>Addresses one timer of a <see cref="TimerWheel"/>; stale once removed.</summary>
internal readonly record struct TimerHandle(int Index, int Generation);
