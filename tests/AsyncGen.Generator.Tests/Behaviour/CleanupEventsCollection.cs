namespace AsyncGen.Generator.Tests.Behaviour;

/// <summary>
/// The test classes that assert which cancelled-cleanup events (111, 112) their own machines raise, through a
/// process-wide <see cref="CancelledFinallyTests.CleanupEvents"/> listener: one collection, so they run one at a time
/// (one class's detached <c>Work</c> is not seen by another's "nothing detached" assertion), beside the other collections.
/// </summary>
[CollectionDefinition(Name)]
public sealed class CleanupEventsCollection
{
    public const string Name = "Cancelled cleanup events";
}
