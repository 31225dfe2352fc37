using AsyncGen.Fallback;

namespace AsyncGen.Tasks;

/// <summary>Names a future by what the user wrote: <c>DelayAddFuture</c>, <c>DelayAdd</c>, <c>CounterFuture</c>.</summary>
internal static class FutureNames
{
    // Boxes are plumbing: their first type argument is what the user wrote.
    private static readonly Type[] s_boxes =
    [
        typeof(FutureBox<,>), typeof(FutureBox<>), typeof(StateMachineFuture<,>), typeof(VoidStateMachineFuture<>),
    ];

    // Dumps and events ask for names repeatedly; cached so that naming a task allocates once per future type.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, string> s_names = new();

    public static string Describe(Type futureType) => s_names.GetOrAdd(futureType, Compute);

    /// <summary>
    /// <c>Type.Method</c> for a compiler-generated async state machine (<c>Demo.DelayAdd</c> for
    /// <c>Demo+&lt;DelayAdd&gt;d__0</c>), else <see cref="Describe"/>.
    /// </summary>
    public static string Method(Type stateMachine) =>
        stateMachine.DeclaringType is { } owner ? $"{owner.Name}.{Describe(stateMachine)}" : Describe(stateMachine);

    private static string Compute(Type futureType)
    {
        var type = futureType;
        while (type.IsGenericType && s_boxes.Contains(type.GetGenericTypeDefinition())) type = type.GetGenericArguments()[0];
        string name = type.Name;
        // The compiler names the state machine of DelayAdd "<DelayAdd>d__0".
        if (name.StartsWith('<') && name.IndexOf('>') is > 1 and var end) return name[1..end];
        int arity = name.IndexOf('`');
        return arity > 0 ? name[..arity] : name;
    }
}
