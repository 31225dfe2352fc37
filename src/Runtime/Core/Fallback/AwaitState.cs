using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace AsyncGen.Fallback;

/// <summary>
/// Reads which await a suspended compiler state machine waits on: its <c>&lt;&gt;1__state</c> field, the number the
/// compiler gives each await (0, 1, 2...) in the order of its <em>lowered</em> method, which is not always source
/// order: <c>while</c> and <c>for</c> loops are lowered to <c>goto cond; body: ...; cond: if (c) goto body</c>, so an
/// await in a loop condition (and <c>await foreach</c>'s <c>MoveNextAsync</c>) is numbered after the awaits of the
/// loop's body (review G1). What holds: a <c>finally</c> or <c>catch</c> block is lowered after the <c>try</c> it
/// protects, so after a cancellation thrown at one await, reaching an await numbered as low or lower means the method
/// jumped back; a higher number is either a cleanup or a loop condition, which <see cref="FallbackMachine{TStateMachine, T}"/>
/// tells apart by the awaits it suspended on before the cancellation.
/// </summary>
/// <remarks>
/// The field name is the C# compiler's (<c>GeneratedNames.MakeStateMachineStateFieldName</c> in Roslyn), unchanged
/// since C# 5; a machine without it (another compiler) reports nothing, and its fallback machine keeps polling as
/// before. The compiler's machine is a struct in Release builds: the field's offset is found once (a marker written
/// through reflection into a boxed default machine) and then read in place without allocating, on every suspension;
/// a class machine (Debug builds) is read through reflection, which boxes the number.
/// </remarks>
internal static class AwaitState<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicFields)] TStateMachine>
    where TStateMachine : IAsyncStateMachine
{
    private static readonly FieldInfo? s_state = FindField();
    private static readonly int s_offset = FindOffset(s_state); // -1: not a struct, or not found

    /// <summary>The number of the await <paramref name="machine"/> is suspended on; null when the machine has no such field.</summary>
    public static int? Of(ref TStateMachine machine)
    {
        if (s_offset >= 0) return Unsafe.ReadUnaligned<int>(ref Unsafe.Add(ref Unsafe.As<TStateMachine, byte>(ref machine), s_offset));
        return s_state is { } field ? (int)field.GetValue(machine)! : null;
    }

    private static FieldInfo? FindField() =>
        typeof(TStateMachine).GetField("<>1__state", BindingFlags.Instance | BindingFlags.Public) is { } field && field.FieldType == typeof(int) ? field : null;

    /// <summary>
    /// The field's byte offset in the struct: two different markers written into a boxed default machine must each be
    /// found at one and the same offset (the rest of a default machine is zero), else -1 and reflection is used.
    /// </summary>
    private static int FindOffset(FieldInfo? field)
    {
        if (field is null || !typeof(TStateMachine).IsValueType) return -1;
        int offset = Locate(field, 0x5EED_A5A1);
        return offset >= 0 && Locate(field, 0x1A5A_DEE5) == offset ? offset : -1;
    }

    private static int Locate(FieldInfo field, int marker)
    {
        object boxed = default(TStateMachine)!;
        field.SetValue(boxed, marker);
        var copy = (TStateMachine)boxed;
        ref byte start = ref Unsafe.As<TStateMachine, byte>(ref copy);
        int found = -1;
        for (int i = 0; i + sizeof(int) <= Unsafe.SizeOf<TStateMachine>(); i++)
        {
            if (Unsafe.ReadUnaligned<int>(ref Unsafe.Add(ref start, i)) != marker) continue;
            if (found >= 0) return -1; // ambiguous
            found = i;
        }
        return found;
    }
}
