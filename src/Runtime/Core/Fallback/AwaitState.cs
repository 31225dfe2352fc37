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
/// before. The number is read at every suspension, so it is read in place, without reflection or boxing: the field's
/// byte offset is found once per machine type and then read through ref arithmetic. The compiler's machine is a struct
/// in Release builds (the offset: a marker written through reflection into a boxed default machine) and a class in
/// Debug builds (the offset from the object's first field to a typed reference of the field, checked against
/// reflection once). Where neither can be found (a runtime without typed references), reflection reads it, boxing the
/// number: counted in <see cref="FallbackMachines.StateReadByReflection"/>.
/// </remarks>
internal static class AwaitState<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicFields)] TStateMachine>
    where TStateMachine : IAsyncStateMachine
{
    private static readonly FieldInfo? s_state = FindField();
    private static readonly int s_offset = FindOffset(s_state); // -1: not a struct, or not found
    private static int s_classOffset = Unknown;                   // a class machine's, found at its first read
    private const int Unknown = -2;

    /// <summary>The number of the await <paramref name="machine"/> is suspended on; null when the machine has no such field.</summary>
    public static int? Of(ref TStateMachine machine)
    {
        if (s_offset >= 0) return Unsafe.ReadUnaligned<int>(ref Unsafe.Add(ref Unsafe.As<TStateMachine, byte>(ref machine), s_offset));
        if (s_state is not { } field) return null;
        if (!typeof(TStateMachine).IsValueType)
        {
            object instance = machine!; // a class: a reference, not a box
            int offset = s_classOffset;
            if (offset == Unknown) s_classOffset = offset = FindClassOffset(field, instance);
            if (offset >= 0) return Unsafe.As<byte, int>(ref Unsafe.Add(ref FirstFieldOf(instance), offset));
        }
        FallbackMachines.OnStateReadByReflection();
        return (int)field.GetValue(machine)!;
    }

    /// <summary>Stands for any class: its one field sits where an object's first field does (as the runtime's own RawData).</summary>
    private sealed class RawData
    {
        public byte Data;
    }

    private static ref byte FirstFieldOf(object instance) => ref Unsafe.As<RawData>(instance).Data;

    /// <summary>
    /// The field's byte offset from the first field of a class machine (the same for every instance of the type): taken
    /// from a typed reference of the field in <paramref name="instance"/>, and used only if the number read there is the
    /// one reflection reads; else -1 and reflection is used.
    /// </summary>
    private static int FindClassOffset(FieldInfo field, object instance)
    {
        try
        {
            var reference = TypedReference.MakeTypedReference(instance, [field]);
            int offset = (int)Unsafe.ByteOffset(ref FirstFieldOf(instance), ref Unsafe.As<int, byte>(ref __refvalue(reference, int)));
            return offset >= 0 && Unsafe.As<byte, int>(ref Unsafe.Add(ref FirstFieldOf(instance), offset)) == (int)field.GetValue(instance)! ? offset : -1;
        }
        catch (NotSupportedException)
        {
            return -1;
        }
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
