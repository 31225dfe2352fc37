namespace AsyncGen.Runtime.Tests.Net;

/// <summary>
/// Tests that observe the whole process (open descriptors, allocated bytes, EventSource listeners) run alone:
/// xunit runs a collection with parallelization disabled after the parallel ones, with nothing beside it.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialCollection
{
    public const string Name = "Process-wide observations";
}
