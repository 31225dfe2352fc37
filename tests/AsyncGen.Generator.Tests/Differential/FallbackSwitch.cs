using AsyncGen.Fallback;

namespace AsyncGen.Generator.Tests.Differential;

/// <summary>Runs code with <see cref="FallbackMachines.ThrowOnStart"/> set, counting the fallback machines it starts.</summary>
internal static class FallbackSwitch
{
    public static (T Result, long FallbackStarts) Run<T>(bool throwOnStart, Func<T> body)
    {
        var before = FallbackMachines.Started;
        var previous = FallbackMachines.ThrowOnStart;
        FallbackMachines.ThrowOnStart = throwOnStart;
        try
        {
            var result = body();
            return (result, FallbackMachines.Started - before);
        }
        finally
        {
            FallbackMachines.ThrowOnStart = previous;
        }
    }
}

/// <summary>
/// Tests that flip the process-wide throwing switch and read the fallback counter: xunit runs a collection with
/// parallelization disabled after the parallel ones, with nothing beside it.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FallbackSwitchCollection
{
    public const string Name = "Fallback switch";
}
