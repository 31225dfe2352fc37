using System.Runtime.CompilerServices;
using AsyncGen.Diagnostics;
using AsyncGen.Tasks;

namespace AsyncGen.Fallback;

/// <summary>
/// Makes the fallback builder visible: counts every fallback state machine the process starts, raises the
/// <c>AsyncGen</c> EventSource event <c>FallbackMachineStarted</c> (id 100), and on request throws instead of
/// starting one.
/// </summary>
/// <remarks>
/// <para>A fallback machine is the C# compiler's state machine for an <c>async Future</c> method that the
/// generator did not rewrite: a method without <see cref="PollAsyncAttribute"/>, a call through a delegate or method
/// group or where a call cannot be intercepted (AG0006, AG0008, AG0009), a body the generator does not support
/// (AG0005), a generator failure (AG0007). It behaves the same as the generated machine but allocates its box and
/// its awaiters, so a program that should be fallback-free asserts it here.</para>
/// <para>A machine counts as started when its method is called (the builder's <c>Start</c>), before its first
/// poll: that is where the throwing switch throws, so the exception surfaces at the call site.</para>
/// <para>The throwing switch is off unless the AppContext switch <c>AsyncGen.ThrowOnFallback</c> is on
/// (<c>&lt;RuntimeHostConfigurationOption Include="AsyncGen.ThrowOnFallback" Value="true" /&gt;</c> or
/// <see cref="AppContext.SetSwitch"/> before the first start) or the environment variable
/// <c>ASYNCGEN_THROW_ON_FALLBACK</c> is <c>1</c>. Both are read once; <see cref="ThrowOnStart"/> changes it later.
/// Switched off, the check costs one static read.</para>
/// </remarks>
public static class FallbackMachines
{
    /// <summary>The AppContext switch that makes starting a fallback machine throw.</summary>
    public const string ThrowOnFallbackSwitch = "AsyncGen.ThrowOnFallback";

    /// <summary>The environment variable that, set to <c>1</c>, makes starting a fallback machine throw.</summary>
    public const string ThrowOnFallbackVariable = "ASYNCGEN_THROW_ON_FALLBACK";

    private static long s_started;

    /// <summary>Fallback state machines started in this process so far.</summary>
    public static long Started => Interlocked.Read(ref s_started);

    private static long s_cleanupAbandoned;

    /// <summary>
    /// Fallback machines disposed while their cleanup waited on a callback awaiter (a <c>Task</c>, or the
    /// <c>DisposeAsync</c> of an <c>await using</c> that did not complete at once): the compiler's machine can only
    /// go on when that callback runs, so the cleanup after that await does not run. Also machines cancelled in place
    /// whose catch swallowed the cancellation and that then awaited a callback awaiter, or kept awaiting after 64
    /// cancellations (see <see cref="CancelledAgain"/>): they are abandoned where they stand. A generated machine runs it
    /// (see <see cref="AsyncDisposal"/>); this counts the weaker path, with the warning event
    /// <c>FallbackCleanupAbandoned</c> (id 101).
    /// </summary>
    public static long CleanupAbandoned => Interlocked.Read(ref s_cleanupAbandoned);

    private static long s_cancelledAgain;

    /// <summary>
    /// Awaits of fallback machines cancelled in place (by <c>Select</c>, <c>Timeout</c>, a join, a task abort, a parent)
    /// that were reached after a <c>catch</c> swallowed the <see cref="FutureCanceledException"/> — outside any
    /// <c>finally</c> or <c>catch</c> block that awaits — and were cancelled again, as an <c>async Task</c>'s awaits
    /// that observe its cancelled token throw again. A generated machine never runs a catch block on cancellation, so
    /// a retry loop there simply ends; here each lap counts.
    /// </summary>
    public static long CancelledAgain => Interlocked.Read(ref s_cancelledAgain);

    private static long s_stateReadByReflection;

    /// <summary>
    /// Suspensions of fallback machines whose await number (the compiler's <c>&lt;&gt;1__state</c>) was read through
    /// reflection, boxing it, because it could not be read in place: 0 on CoreCLR, where a Release build's struct
    /// machine and a Debug build's class machine are both read without allocating. Nonzero means each such await
    /// allocates.
    /// </summary>
    public static long StateReadByReflection => Interlocked.Read(ref s_stateReadByReflection);

    /// <summary>Called by a fallback machine that read its await number through reflection.</summary>
    internal static void OnStateReadByReflection() => Interlocked.Increment(ref s_stateReadByReflection);

    private static long s_awaitsRunPastCatch;

    /// <summary>
    /// Awaits of fallback machines cancelled in place, reached after a <c>catch</c> caught the cancellation, that were
    /// run to their end because the machine could not place them: neither inside a <c>finally</c> block the
    /// cancellation is unwinding through nor one it jumps back to (review F3). A <c>catch</c> block's own awaits are
    /// meant to run; but an await after a catch that swallowed the cancellation (<c>catch (Exception) { } await
    /// Next();</c>), a loop condition never suspended on before the cancellation (a <c>Task</c> that completed at once),
    /// or a <c>finally</c> entered normally after the swallow is run too, where an <c>async Task</c>'s await observing
    /// its cancelled token would throw: whoever cancels (a <c>Timeout</c>, a <c>Select</c>) waits for it. Nonzero
    /// while a cancel waits: look there (<c>executor.DumpTasks()</c> shows the await).
    /// </summary>
    public static long AwaitsRunPastCatch => Interlocked.Read(ref s_awaitsRunPastCatch);

    /// <summary>Called by a fallback machine running an await it could not place after a catch caught its cancellation.</summary>
    internal static void OnAwaitRunPastCatch() => Interlocked.Increment(ref s_awaitsRunPastCatch);

    /// <summary>Called by a fallback machine cancelling an await reached past a catch that swallowed its cancellation.</summary>
    internal static void OnCancelledAgain() => Interlocked.Increment(ref s_cancelledAgain);

    /// <summary>Called by a fallback machine's Dispose that stops on a callback awaiter with its cleanup unfinished.</summary>
    internal static void OnCleanupAbandoned<TStateMachine>() where TStateMachine : IAsyncStateMachine
    {
        Interlocked.Increment(ref s_cleanupAbandoned);
        if (AsyncGenEventSource.Log.IsEnabled()) AsyncGenEventSource.Log.FallbackCleanupAbandoned(MethodName<TStateMachine>.Value, CoopBudget.CurrentTaskId);
    }

    /// <summary>
    /// Whether starting a fallback machine throws an <see cref="InvalidOperationException"/> naming the method.
    /// Initialised from the <c>AsyncGen.ThrowOnFallback</c> switch or <c>ASYNCGEN_THROW_ON_FALLBACK=1</c>.
    /// </summary>
    public static bool ThrowOnStart { get; set; } = IsConfiguredToThrow();

    /// <summary>Reads the AppContext switch and the environment variable (the switch wins when it is set).</summary>
    internal static bool IsConfiguredToThrow() =>
        AppContext.TryGetSwitch(ThrowOnFallbackSwitch, out var enabled)
            ? enabled
            : Environment.GetEnvironmentVariable(ThrowOnFallbackVariable) == "1";

    /// <summary>Called by the fallback builders' <c>Start</c>, before the machine is boxed.</summary>
    internal static void OnStart<TStateMachine>() where TStateMachine : IAsyncStateMachine
    {
        Interlocked.Increment(ref s_started);
        if (AsyncGenEventSource.Log.IsEnabled()) AsyncGenEventSource.Log.FallbackMachineStarted(MethodName<TStateMachine>.Value);
        if (ThrowOnStart) throw new InvalidOperationException(
            $"'{MethodName<TStateMachine>.Value}' started on the fallback builder, and {ThrowOnFallbackSwitch} (or {ThrowOnFallbackVariable}=1) " +
            "forbids it. The generator did not rewrite this call: the method is not marked [PollAsync], is called where it cannot " +
            "be intercepted (AG0006, AG0008, AG0009), or its body uses a construct the generator does not support (AG0005, AG0007). " +
            "Build with <AsyncGenStrict>true</AsyncGenStrict> to turn those warnings into errors at the construct, change the " +
            "code as the diagnostic says, or turn the switch off to accept the slower path.");
    }

    /// <summary>
    /// The user's method behind a compiler state machine: <c>&lt;Work&gt;d__3</c> nested in <c>Demo</c> is
    /// <c>Demo.Work</c>. Computed once per machine type, only when an event or the exception needs it.
    /// </summary>
    private static class MethodName<TStateMachine>
    {
        public static readonly string Value = Of(typeof(TStateMachine));

        private static string Of(Type machine)
        {
            var name = machine.Name;
            // The compiler names the machine "<Method>d__N" ("<<Outer>g__Local|0_0>d" for a local function).
            if (name.StartsWith('<'))
            {
                int depth = 0, end = 0;
                for (; end < name.Length; end++)
                {
                    if (name[end] == '<') depth++;
                    else if (name[end] == '>' && --depth == 0) break;
                }
                name = name[1..end];
            }
            return machine.DeclaringType is { } owner ? (owner.FullName ?? owner.Name).Replace('+', '.') + "." + name : name;
        }
    }
}
