using System;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncGen.Analyzers.Semantics;

/// <summary>
/// A call that takes a thread lock, the lock it takes (a field, local or parameter), and where in the body it is
/// released again. <c>Lock.EnterScope</c> is absent on purpose: its scope is a ref struct, which the compiler already
/// refuses to keep across an await (CS4007).
/// </summary>
internal sealed class LockAcquisition
{
    private readonly ISymbol _lock;
    private readonly SyntaxNode _call;
    private readonly SemanticModel? _semanticModel;

    private LockAcquisition(string display, ISymbol @lock, IInvocationOperation call)
    {
        Display = display;
        _lock = @lock;
        _call = call.Syntax;
        _semanticModel = call.SemanticModel;
    }

    /// <summary>The acquiring call as the message names it, e.g. <c>Monitor.Enter</c>.</summary>
    public string Display { get; }

    public static LockAcquisition? From(IInvocationOperation invocation)
    {
        var method = invocation.TargetMethod;
        var type = BlockingApis.MetadataName(method.ContainingType);
        var display = method.ContainingType.Name + "." + method.Name;
        switch (type, method.Name)
        {
            case ("System.Threading.Monitor", "Enter" or "TryEnter"):
                return Create(display, invocation.Arguments.Length > 0 ? invocation.Arguments[0].Value : null, invocation);
            case ("System.Threading.SemaphoreSlim", "Wait"):
                // A try-acquire with a zero timeout never blocks, and a semaphore is not thread-affine: no hazard left.
                return IsZeroTimeoutTry(invocation) ? null : Create(display, invocation.Instance, invocation);
            case ("System.Threading.Lock", "Enter" or "TryEnter"):
            case ("System.Threading.SpinLock", "Enter" or "TryEnter"):
            case ("System.Threading.ReaderWriterLockSlim", _)
                when method.Name.StartsWith("Enter", StringComparison.Ordinal) || method.Name.StartsWith("TryEnter", StringComparison.Ordinal):
                return Create(display, invocation.Instance, invocation);
            case ("System.Threading.WaitHandle", "WaitOne") when IsOwnedWaitHandle(invocation.Instance?.Type):
                // Only handles that are released again are locks; waiting on an event owns nothing (that is AG0100's).
                return Create(invocation.Instance!.Type!.Name + "." + method.Name, invocation.Instance, invocation);
            default:
                return null;
        }
    }

    /// <summary>Where the lock stops being held: the first matching release after the acquisition, else the end of the body.</summary>
    public int ReleasePosition(SyntaxNode body)
    {
        foreach (var node in body.DescendantNodes())
        {
            if (node.SpanStart > _call.Span.End && node is InvocationExpressionSyntax release && Releases(release)) return node.SpanStart;
        }
        return body.Span.End;
    }

    private bool Releases(InvocationExpressionSyntax call)
    {
        if (_semanticModel?.GetOperation(call) is not IInvocationOperation release) return false;
        var name = release.TargetMethod.Name;
        if (release.TargetMethod.ContainingType.Name == "Monitor")
        {
            return name == "Exit" && release.Arguments.Length > 0 && IsLock(release.Arguments[0].Value);
        }
        return name is "Release" or "Exit" or "ReleaseMutex" or "ExitReadLock" or "ExitWriteLock" or "ExitUpgradeableReadLock"
            && IsLock(release.Instance);
    }

    private bool IsLock(IOperation? operation) =>
        ReferencedSymbol(operation) is { } symbol && SymbolEqualityComparer.Default.Equals(symbol, _lock);

    private static LockAcquisition? Create(string display, IOperation? lockOperand, IInvocationOperation invocation) =>
        ReferencedSymbol(lockOperand) is { } symbol ? new LockAcquisition(display, symbol, invocation) : null;

    private static ISymbol? ReferencedSymbol(IOperation? operation) => operation switch
    {
        IConversionOperation conversion => ReferencedSymbol(conversion.Operand),
        IFieldReferenceOperation field => field.Field,
        ILocalReferenceOperation local => local.Local,
        IParameterReferenceOperation parameter => parameter.Parameter,
        IPropertyReferenceOperation property => property.Property,
        _ => null,
    };

    private static bool IsOwnedWaitHandle(ITypeSymbol? type) =>
        type is INamedTypeSymbol named && BlockingApis.MetadataName(named) is "System.Threading.Mutex" or "System.Threading.Semaphore";

    private static bool IsZeroTimeoutTry(IInvocationOperation invocation)
    {
        foreach (var argument in invocation.Arguments)
        {
            if (BlockingCallClassifier.IsZero(argument.Value)) return true;
        }
        return false;
    }
}
