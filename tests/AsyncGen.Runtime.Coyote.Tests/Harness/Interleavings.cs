using Microsoft.Coyote;
using Microsoft.Coyote.Runtime;
using Microsoft.Coyote.SystematicTesting;

namespace AsyncGen.Runtime.Coyote.Tests.Harness;

/// <summary>
/// Explores the interleavings of a few "threads" over real runtime objects with Coyote's testing engine.
/// </summary>
/// <remarks>
/// <para>How, and why this way: Coyote controls real threads only in binary-rewritten assemblies, and its rewriter
/// does not know the runtime's <c>System.Threading.Lock</c> or interlocked operations on struct fields. So the
/// threads here are C# iterators, and the harness is their scheduler: each <c>MoveNext</c> runs one step (code up to
/// the next <c>yield return</c>), and which thread steps next is a Coyote-controlled choice
/// (<see cref="ICoyoteRuntime.RandomInteger"/>). Coyote's strategies (random, probabilistic, prioritized) pick the
/// choices, one schedule per iteration, and replay a failing one deterministically.</para>
/// <para>A step calls real runtime methods. Interleaving at method granularity is exact for the methods that are
/// atomic (one lock, or one successful compare-and-swap: linearizable), which is every method these tests call
/// except <c>TaskCell.Run</c>, whose poll is a window other threads can act in: a future polled there calls
/// <see cref="InterleaveHere"/>, which lets other threads take steps at that point, as they would on other
/// cores.</para>
/// <para>A thread yields null to stay runnable, or a condition to block until it holds (a task parked until its
/// waker is woken). When every unfinished thread is blocked, the schedule is stuck: a lost wake-up, reported as a
/// bug with the schedule that produced it.</para>
/// </remarks>
internal sealed class Interleavings(ICoyoteRuntime coyote)
{
    private readonly List<Thread> _threads = [];

    /// <summary>Adds a thread; it starts when <see cref="Run"/> does.</summary>
    public void Start(string name, IEnumerable<Func<bool>?> steps) => _threads.Add(new Thread(name, steps.GetEnumerator()));

    /// <summary>A controlled choice (e.g. whether a waiter gives up).</summary>
    public bool Choose() => coyote.RandomBoolean();

    /// <summary>Fails the schedule with <paramref name="message"/> unless <paramref name="condition"/> holds.</summary>
    public void Assert(bool condition, string message) => coyote.Assert(condition, message);

    /// <summary>Runs every thread to its end, one step at a time in a Coyote-chosen order.</summary>
    public void Run()
    {
        while (TryStepOne(exclude: null)) { }
        var stuck = _threads.Where(thread => !thread.Finished).Select(thread => thread.Name).ToArray();
        coyote.Assert(stuck.Length == 0, $"Stuck: {string.Join(", ", stuck)} wait(s) for a wake that never comes (lost wake-up).");
    }

    /// <summary>
    /// Called from inside a step (e.g. a future's poll): lets other threads take any number of steps here, as if they
    /// ran on other cores during this window.
    /// </summary>
    public void InterleaveHere()
    {
        var current = _threads.FirstOrDefault(thread => thread.InStep);
        while (coyote.RandomBoolean() && TryStepOne(exclude: current)) { }
    }

    private bool TryStepOne(Thread? exclude)
    {
        var runnable = _threads.Where(thread => thread != exclude && !thread.InStep && thread.Runnable).ToList();
        if (runnable.Count == 0) return false;
        runnable[runnable.Count == 1 ? 0 : coyote.RandomInteger(runnable.Count)].Step();
        return true;
    }

    /// <summary>Runs <paramref name="scenario"/> for <paramref name="iterations"/> schedules; returns the report.</summary>
    public static TestReport Explore(int iterations, Action<Interleavings> scenario)
    {
        var configuration = Configuration.Create()
            .WithTestingIterations((uint)iterations)
            .WithMaxSchedulingSteps(10_000)
            .WithTelemetryEnabled(false); // nothing leaves the machine
        var engine = TestingEngine.Create(configuration, (ICoyoteRuntime coyote) =>
        {
            var interleavings = new Interleavings(coyote);
            scenario(interleavings);
        });
        engine.Run();
        return engine.TestReport;
    }

    private sealed class Thread(string name, IEnumerator<Func<bool>?> steps)
    {
        private Func<bool>? _blockedUntil;

        public string Name => name;

        public bool Finished { get; private set; }

        public bool InStep { get; private set; }

        public bool Runnable => !Finished && (_blockedUntil is null || _blockedUntil());

        public void Step()
        {
            InStep = true;
            try
            {
                if (steps.MoveNext()) _blockedUntil = steps.Current;
                else Finished = true;
            }
            finally
            {
                InStep = false;
            }
        }
    }
}
