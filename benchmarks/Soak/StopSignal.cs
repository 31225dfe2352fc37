namespace AsyncGen.Soak;

/// <summary>Set once when the run's time is up; every workload loop checks it.</summary>
internal sealed class StopSignal
{
    private volatile bool _set;

    public bool IsSet => _set;

    public void Set() => _set = true;
}
