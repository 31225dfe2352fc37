using AsyncGen.Fallback;

namespace AsyncGen.Samples.Tests;

/// <summary>Runs code with <see cref="FallbackMachines.ThrowOnStart"/> set, counting the fallback machines it starts.</summary>
internal static class FallbackSwitch
{
    public static long Run(bool throwOnStart, Action body)
    {
        var before = FallbackMachines.Started;
        var previous = FallbackMachines.ThrowOnStart;
        FallbackMachines.ThrowOnStart = throwOnStart;
        try
        {
            body();
            return FallbackMachines.Started - before;
        }
        finally
        {
            FallbackMachines.ThrowOnStart = previous;
        }
    }
}

/// <summary>
/// Every test here flips the process-wide switch, reads the process-wide counter or writes to the console: they run
/// one at a time.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FallbackSwitchCollection
{
    public const string Name = "Fallback switch";
}
