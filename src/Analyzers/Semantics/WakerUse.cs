using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncGen.Analyzers.Semantics;

/// <summary>What an operation inside <c>Poll</c> does with the context's waker.</summary>
internal enum WakerUse
{
    /// <summary>Nothing that arranges a wake-up (includes comparisons such as <c>WillWake</c>).</summary>
    None,

    /// <summary>The context goes to a callee (a child poll, a helper) or the waker is stored, cloned or handed over.</summary>
    Registers,

    /// <summary><c>cx.Waker.Wake()</c> / <c>WakeByRef()</c>: the task is rescheduled at once.</summary>
    SelfWake,
}

internal static class WakerUses
{
    public static WakerUse Classify(IOperation operation, KnownTypes types)
    {
        if (operation is IArgumentOperation { Value: IParameterReferenceOperation passed } && types.IsContext(passed.Type))
        {
            return WakerUse.Registers;
        }
        if (operation is not IPropertyReferenceOperation { Property.Name: "Waker" } read || !types.IsContext(read.Property.ContainingType))
        {
            return WakerUse.None;
        }
        return read.Parent switch
        {
            IInvocationOperation call when call.Instance == read =>
                call.TargetMethod.Name is "Wake" or "WakeByRef" ? WakerUse.SelfWake : WakerUse.None,
            IArgumentOperation { Parent: IInvocationOperation { TargetMethod.Name: "WillWake" or "Equals" } } => WakerUse.None,
            IBinaryOperation => WakerUse.None,
            _ => WakerUse.Registers,
        };
    }

    /// <summary>True when <paramref name="operation"/> or anything inside it registers or wakes the waker.</summary>
    public static bool ArrangesWakeUp(IOperation operation, KnownTypes types)
    {
        foreach (var inner in operation.DescendantsAndSelf())
        {
            if (Classify(inner, types) != WakerUse.None) return true;
        }
        return false;
    }

    /// <summary>True for <c>Poll&lt;T&gt;.Pending</c>.</summary>
    public static bool IsPending(IOperation? operation, KnownTypes types) =>
        operation is IPropertyReferenceOperation { Property.Name: "Pending" } read && types.IsPoll(read.Property.ContainingType);
}
