namespace AsyncGen.Samples.Tests;

/// <summary>
/// Sample and benchmark code that still runs on the fallback builder because of a generator bug of issue 10. Each is
/// run with the switch off and must start at least one fallback machine: when the generator is fixed the test fails
/// and names the entry to remove, so the code is held to zero from then on.
/// </summary>
internal static class KnownFallbacks
{
    public static readonly IReadOnlyDictionary<string, string> Cases = new Dictionary<string, string>
    {
        ["EchoServer"] = "generator: `Executor.Spawn(Echo(stream))` in Serve runs each connection's Echo on the fallback builder",
        ["NestedAwaitBenchmarks.AsyncGen"] = "generator: the recursive call `await Chain(depth - 1)` runs on the fallback builder",
        ["SpawnJoinBenchmarks.AsyncGenWorkStealing"] = "generator: `Executor.Spawn(Trivial(i))` in SpawnAll runs every task on the fallback builder",
    };
}
