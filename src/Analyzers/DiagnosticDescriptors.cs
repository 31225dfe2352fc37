using Microsoft.CodeAnalysis;

namespace AsyncGen.Analyzers;

/// <summary>Every rule of the analyzers (IDs AG01xx; the generator owns AG00xx), each with its docs page.</summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "AsyncGen";

    /// <summary>AG0100: a thread-blocking call inside a [PollAsync] (or any async Future) method.</summary>
    public static readonly DiagnosticDescriptor BlockingCallInFutureBody = Warning(
        "AG0100",
        "Blocking call inside a future body",
        "'{0}' blocks the executor thread inside a future body; {1}",
        "A future body runs on an executor thread shared by many tasks: a blocking call stalls all of them. Await the future or async twin instead.");

    /// <summary>AG0101: a thread-blocking call inside a hand-written IFuture&lt;T&gt;.Poll.</summary>
    public static readonly DiagnosticDescriptor BlockingCallInPoll = Warning(
        "AG0101",
        "Blocking call inside Poll",
        "'{0}' blocks the executor thread inside Poll; {1}",
        "Poll must return quickly: return Pending with the waker registered instead of blocking until the result is available.");

    /// <summary>AG0102: Poll returns Pending on a path that never arranges a wake-up.</summary>
    public static readonly DiagnosticDescriptor PendingWithoutWaker = Warning(
        "AG0102",
        "Pending returned without registering the waker",
        "This path returns Pending without polling a child with '{0}', storing '{0}.Waker' or waking it: the task is never polled again (lost wake-up)",
        "Returning Pending promises that the context's waker will be woken when progress is possible. A path that neither polls a child with the context, stores the waker nor wakes it leaves the task parked forever.");

    /// <summary>AG0103: Poll wakes its own task and returns Pending without waiting for anything (busy polling).</summary>
    public static readonly DiagnosticDescriptor SelfWakeBeforePending = Warning(
        "AG0103",
        "Unconditional self-wake before Pending",
        "Waking '{0}.Waker' right before returning Pending, with nothing else registered, re-polls the task at once: a busy loop",
        "A future that wakes itself on every Pending never waits for an event: the executor polls it in a loop and burns a core. Register the waker with the event source instead; use the runtime's yield future for a deliberate yield.");

    /// <summary>AG0104: a thread lock acquired before and released after an await.</summary>
    public static readonly DiagnosticDescriptor LockHeldAcrossAwait = Warning(
        "AG0104",
        "Lock held across an await",
        "'{0}' acquires a lock that is still held at the await on line {1}",
        "A thread lock held across a suspension point blocks every other task that wants it, deadlocks a single-threaded executor and, for thread-affine locks, is released on another thread. Use an async lock or release before awaiting.");

    /// <summary>AG0105: a struct future copied after it was polled.</summary>
    public static readonly DiagnosticDescriptor PolledFutureCopied = Warning(
        "AG0105",
        "Future copied after its first poll",
        "'{0}' was polled and is copied here ({1}): the copy and the original now drift apart",
        "A future is pinned by its first poll: its state and the registrations made with its waker belong to that storage location. Copying a polled struct future duplicates half-finished state; keep polling the original by reference.");

    /// <summary>AG0106: a future created and then dropped without being awaited, spawned or polled.</summary>
    public static readonly DiagnosticDescriptor FutureNeverAwaited = Warning(
        "AG0106",
        "Future never awaited, spawned or polled",
        "The future returned by '{0}' is never awaited, spawned or polled: futures are lazy, so nothing runs",
        "Unlike a Task, a future does nothing until it is polled. A future that is dropped was never started.");

    /// <summary>AG0107: BlockOn called while already running inside a future.</summary>
    public static readonly DiagnosticDescriptor BlockOnInsideFuture = Warning(
        "AG0107",
        "BlockOn inside a future",
        "'{0}' blocks an executor thread from inside a future; await the future instead",
        "BlockOn parks the calling thread until the future completes. Inside a future that thread is an executor thread: the tasks it should run stall, and on a single-threaded executor the program deadlocks.");

    /// <summary>AG0108: a waker stored only when none is stored yet, so later polls keep an outdated waker.</summary>
    public static readonly DiagnosticDescriptor StaleWaker = Warning(
        "AG0108",
        "Waker stored only once",
        "'{0}' keeps the first poll's waker; store '{1}' on every poll (or when '!{0}.WillWake({1})')",
        "Only the waker of the most recent poll must be woken: a future can move to another task or executor between polls. Storing the waker only once wakes a stale waker and loses the wake-up.");

    /// <summary>AG0109: a future awaited outside an async Future method (a Task method, Main, a Task lambda).</summary>
    public static readonly DiagnosticDescriptor FutureAwaitedOutsideFuture = Warning(
        "AG0109",
        "Future awaited outside an async Future method",
        "'{0}' awaits a future, but '{1}' is not an 'async Future' method, so nothing polls it and the await throws NotSupportedException; await '{0}.AsTask()' or make the method 'async Future'",
        "A future runs only when an executor polls it. An 'async Future' method polls what it awaits; a Task-returning method (or Main, or a Task lambda) cannot, so the await fails at run time. AsTask() runs the future on the current executor, or on its own thread outside one, and gives a Task to await.");

    /// <summary>AG0110: a future stored in a local sits idle while another future is awaited (the "start both, then await" habit).</summary>
    public static readonly DiagnosticDescriptor FutureIdleDuringAwait = Info(
        "AG0110",
        "Stored future does not run during an earlier await",
        "'{0}' is created before '{1}' is awaited but only awaited after it: futures are lazy, so '{0}' does not run meanwhile; 'await Future.Join({1}, {0})' runs both at once",
        "Unlike a Task, a future does nothing until it is polled: 'var a = Slow(); var b = Slow(); await a; await b;' runs the two one after the other. Future.Join polls both in the same task, so their waits overlap.");

    /// <summary>AG0111: an async lambda or local function returning Future: always the fallback builder.</summary>
    public static readonly DiagnosticDescriptor FallbackLambda = Warning(
        "AG0111",
        "Async lambda or local function returning Future runs on the fallback builder",
        "{0} returns a Future, so it runs on the fallback builder (the C# compiler's state machine), not a generated machine; move its body into a [PollAsync] method of a partial type and call that",
        "The generator rewrites [PollAsync] methods only. An async lambda, anonymous method or local function that returns Future or Future<T> is compiled by C# into its own state machine and adapted to polling: the same behaviour, but a box and awaiter allocations per call, and no embedding by value. A [PollAsync] method called from the same place gets the generated machine.");

    /// <summary>AG0112: a [PollAsync] method that C# can call virtually, where its machine is not used.</summary>
    public static readonly DiagnosticDescriptor VirtualPollAsyncMethod = Warning(
        "AG0112",
        "[PollAsync] method can be called virtually, which runs the fallback builder",
        "'{0}' {1}, so {2} run the override of the object's run-time type on the fallback builder, not a generated machine; {3}",
        "A generated machine is one declaration's body, and the calls the generator replaces are bound to that body. A call C# dispatches virtually runs whichever override the object has, so the generator leaves it to C#: the override's own async method, adapted to polling by the fallback builder (a box and awaiter allocations per call). Calls bound statically keep the machine: through 'base.', on a sealed type or a struct, of a sealed override or a non-virtual method.");

    private static DiagnosticDescriptor Info(string id, string title, string message, string description) =>
        new(
            id,
            title,
            message,
            Category,
            DiagnosticSeverity.Info,
            isEnabledByDefault: true,
            description: description,
            helpLinkUri: $"https://github.com/asyncgen/asyncgen/blob/main/docs/rules/{id}.md");

    private static DiagnosticDescriptor Warning(string id, string title, string message, string description) =>
        new(
            id,
            title,
            message,
            Category,
            DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: description,
            helpLinkUri: $"https://github.com/asyncgen/asyncgen/blob/main/docs/rules/{id}.md");
}
