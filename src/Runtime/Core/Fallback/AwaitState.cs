using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace AsyncGen.Fallback;

/// <summary>
/// Reads which await a suspended compiler state machine waits on: its <c>&lt;&gt;1__state</c> field, the number the
/// compiler gives each await in source order (0, 1, 2...). A <c>finally</c> or <c>catch</c> block follows the
/// <c>try</c> it protects, so after a cancellation thrown at one await, the awaits of the cleanup it runs have higher
/// numbers; reaching an await numbered as low or lower means the method jumped back — a loop around a <c>catch</c>
/// that swallowed the cancellation (review F3).
/// </summary>
/// <remarks>
/// The field name is the C# compiler's (<c>GeneratedNames.MakeStateMachineStateFieldName</c> in Roslyn), unchanged
/// since C# 5; a machine without it (another compiler) reports nothing, and its fallback machine keeps polling as
/// before. Read only on awaits reached after a cancellation in place, never on a poll path: it boxes the number.
/// </remarks>
internal static class AwaitState<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicFields)] TStateMachine>
    where TStateMachine : IAsyncStateMachine
{
    private static readonly FieldInfo? s_state = typeof(TStateMachine).GetField("<>1__state", BindingFlags.Instance | BindingFlags.Public);

    /// <summary>The number of the await <paramref name="machine"/> is suspended on; null when the machine has no such field.</summary>
    public static int? Of(in TStateMachine machine) =>
        s_state is { } field && field.FieldType == typeof(int) ? (int)field.GetValue(machine)! : null;
}
