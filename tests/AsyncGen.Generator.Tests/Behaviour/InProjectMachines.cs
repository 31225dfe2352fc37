namespace AsyncGen.Generator.Tests.Behaviour;

/// <summary>[PollAsync] methods compiled into this test project by the generator (referenced as an analyzer).</summary>
public static partial class InProjectMachines
{
    /// <summary>Pending until released; counts its polls. A class so tests can release it from outside.</summary>
    public sealed class Gate : Future<int>
    {
        public bool Open { get; set; }

        public int Polls { get; private set; }

        public override Poll<int> Poll(ref Context cx)
        {
            Polls++;
            return Open ? Poll<int>.Ready(1) : Poll<int>.Pending;
        }
    }

    [PollAsync]
    public static async Future<int> Chain10(Gate gate) => await Chain9(gate) + 1;

    [PollAsync]
    private static async Future<int> Chain9(Gate gate) => await Chain8(gate) + 1;

    [PollAsync]
    private static async Future<int> Chain8(Gate gate) => await Chain7(gate) + 1;

    [PollAsync]
    private static async Future<int> Chain7(Gate gate) => await Chain6(gate) + 1;

    [PollAsync]
    private static async Future<int> Chain6(Gate gate) => await Chain5(gate) + 1;

    [PollAsync]
    private static async Future<int> Chain5(Gate gate) => await Chain4(gate) + 1;

    [PollAsync]
    private static async Future<int> Chain4(Gate gate) => await Chain3(gate) + 1;

    [PollAsync]
    private static async Future<int> Chain3(Gate gate) => await Chain2(gate) + 1;

    [PollAsync]
    private static async Future<int> Chain2(Gate gate) => await Chain1(gate) + 1;

    [PollAsync]
    private static async Future<int> Chain1(Gate gate) => await gate;

    [PollAsync]
    public static async Future<string> WithFinally(Gate gate, List<string> log)
    {
        try
        {
            log.Add("try");
            using (new Noted(log, "using"))
            {
                await gate;
                log.Add("after await");
            }
        }
        finally
        {
            log.Add("finally");
        }
        return "done";
    }

    [PollAsync]
    public static async Future<int> SleepThenAdd(int a, int b)
    {
        await Time.Sleep(TimeSpan.FromMilliseconds(1));
        return a + b;
    }

    [PollAsync]
    public static async Future<int> SpawnAndJoin()
    {
        var handle = Executor.Spawn(SleepThenAdd(20, 22));
        return await handle;
    }

    /// <summary>[PollAsync] calls that are not awaited in place: stored, spawned, made in a lambda, passed to Join.</summary>
    [PollAsync]
    public static async Future<int> CallsNotAwaitedInPlace(List<Type> created)
    {
        var stored = Noting(created, SleepThenAdd(1, 2));
        var spawned = Executor.Spawn(Noting(created, SleepThenAdd(3, 4)));
        Func<Future<int>> make = () => Noting(created, SleepThenAdd(5, 6));
        var joined = await Future.Join(Noting(created, SleepThenAdd(7, 8)), make());
        return await stored + await spawned + joined.Item1 + joined.Item2;
    }

    private static Future<int> Noting(List<Type> created, Future<int> future)
    {
        created.Add(future.GetType());
        return future;
    }

    [PollAsync]
    public static async Future<int> ThrowsAfterAwait(Gate gate)
    {
        await gate;
        throw new InvalidOperationException("thrown by user code"); // line asserted by GeneratedMachineTests
    }

    public sealed class Noted(List<string> log, string name) : IDisposable
    {
        public void Dispose() => log.Add("disposed " + name);
    }
}
