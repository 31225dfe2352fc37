using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace AsyncGen.Fallback;

/// <summary>
/// Tells whether a fallback machine cancelled in place is suspended inside a <c>finally</c> block that the unwinding
/// of its cancellation entered, by watching the compiler's pending-exception fields. The compiler lowers a
/// <c>finally</c> block that awaits to a <c>catch</c> that stores the exception in a field of the machine
/// (<c>&lt;&gt;7__wrapN</c> in Release, <c>&lt;&gt;s__N</c> in Debug), the block's code, and a rethrow of the stored
/// exception; the field is not cleared after the rethrow. So an exception that appears in such a field between two
/// suspensions entered a <c>finally</c> block, and the machine is inside it until that exception is thrown again
/// (its stack trace then grows) — which tells a loop body's <c>finally</c> reached on an earlier lap from a loop
/// condition (review F3). Only used while a cancellation is being unwound: it reads the fields through reflection
/// and allocates.
/// </summary>
internal sealed class UnwoundFinally<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicFields | DynamicallyAccessedMemberTypes.NonPublicFields)] TStateMachine>
    where TStateMachine : IAsyncStateMachine
{
    private static readonly FieldInfo[] s_pending = [.. typeof(TStateMachine)
        .GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
        .Where(field => field.FieldType == typeof(object) && (field.Name.StartsWith("<>7__wrap", StringComparison.Ordinal) || field.Name.StartsWith("<>s__", StringComparison.Ordinal)))];

    private readonly object?[] _seen = new object?[s_pending.Length]; // each field's value at the previous look
    private Exception? _entered;  // the exception whose finally block the machine is in
    private int _enteredFrames;   // its stack trace's frames when it entered: more once rethrown

    /// <summary>True when the machine has no pending-exception field: nothing to watch, and no instance needed.</summary>
    public static bool HasNothingToWatch => s_pending.Length == 0;

    /// <summary>
    /// Looks at the fields as the machine stands (call it at each suspension and before each cancellation thrown into
    /// it); true when it is suspended inside a <c>finally</c> block that an exception entered since it was last looked
    /// at, or that it entered earlier and has not been rethrown from since.
    /// </summary>
    public bool InsideEnteredFinally(ref TStateMachine machine)
    {
        bool stillHeld = false;
        for (int i = 0; i < s_pending.Length; i++)
        {
            // A struct machine read in place (no copy boxed), a class machine (Debug builds) as the object it is.
            object? value = typeof(TStateMachine).IsValueType ? s_pending[i].GetValueDirect(__makeref(machine)) : s_pending[i].GetValue(machine);
            if (value is Exception error && !ReferenceEquals(value, _seen[i]))
            {
                _entered = error;
                _enteredFrames = FramesOf(error);
            }
            _seen[i] = value;
            stillHeld |= _entered is not null && ReferenceEquals(value, _entered);
        }
        if (_entered is null || !stillHeld || FramesOf(_entered) != _enteredFrames) _entered = null;
        return _entered is not null;
    }

    private static int FramesOf(Exception error) => new StackTrace(error, fNeedFileInfo: false).FrameCount;
}
