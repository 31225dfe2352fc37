using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncGen.Analyzers.Semantics;

/// <summary>Which code runs on an executor thread as part of a future: future bodies and hand-written Poll methods.</summary>
internal static class FutureCode
{
    /// <summary>
    /// A <c>[PollAsync]</c> method, or any <c>async</c> method returning <c>Future</c>/<c>Future&lt;T&gt;</c> (it is polled the
    /// same way, through the fallback builder).
    /// </summary>
    public static bool IsFutureBody(this KnownTypes types, ISymbol? symbol)
    {
        if (symbol is not IMethodSymbol method) return false;
        foreach (var attribute in method.GetAttributes())
        {
            if (KnownTypes.Is(attribute.AttributeClass, types.PollAsyncAttribute)) return true;
        }
        return method.IsAsync && types.IsFutureClass(method.ReturnType);
    }

    /// <summary>
    /// A hand-written <c>Poll(ref Context)</c> returning <c>Poll&lt;T&gt;</c>: an <c>IFuture&lt;T&gt;</c> implementation, explicit
    /// or implicit, or an override of <c>Future&lt;T&gt;.Poll</c>.
    /// </summary>
    public static bool IsPollMethod(this KnownTypes types, ISymbol? symbol) =>
        symbol is IMethodSymbol method
        && method.Parameters.Length == 1
        && method.Parameters[0].RefKind == RefKind.Ref
        && types.IsContext(method.Parameters[0].Type)
        && types.IsPoll(method.ReturnType);

    /// <summary>
    /// True when <paramref name="operation"/> runs as part of its containing member rather than inside a lambda or
    /// local function, which may run elsewhere (another thread, a callback) and are judged on their own.
    /// </summary>
    public static bool RunsInContainingMember(this IOperation operation)
    {
        for (var current = operation.Parent; current is not null; current = current.Parent)
        {
            if (current is IAnonymousFunctionOperation or ILocalFunctionOperation) return false;
        }
        return true;
    }
}
