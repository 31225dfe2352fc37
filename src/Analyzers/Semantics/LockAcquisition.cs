using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncGen.Analyzers.Semantics;

/// <summary>
/// A call that takes a thread lock, the lock it takes (a field, local or parameter), and where in the body it is
/// released again.
/// </summary>
internal sealed class LockAcquisition
{
    private readonly ISymbol _lock;
    private readonly SyntaxNode _call;
    private readonly SemanticModel? _semanticModel;
    private readonly bool _releasedByDispose;

    private LockAcquisition(string display, ISymbol @lock, IInvocationOperation call, bool releasedByDispose)
    {
        Display = display;
        _lock = @lock;
        _call = call.Syntax;
        _semanticModel = call.SemanticModel;
        _releasedByDispose = releasedByDispose;
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
                return Create(display, invocation.Arguments.Length > 0 ? invocation.Arguments[0].Value : null, invocation, false);
            case ("System.Threading.SemaphoreSlim", "Wait"):
                // A try-acquire with a zero timeout never blocks, and a semaphore is not thread-affine: no hazard left.
                return IsZeroTimeoutTry(invocation) ? null : Create(display, invocation.Instance, invocation, false);
            case ("System.Threading.Lock", "EnterScope"):
                return Create(display, invocation.Instance, invocation, true);
            case ("System.Threading.Lock", "Enter" or "TryEnter"):
            case ("System.Threading.SpinLock", "Enter" or "TryEnter"):
            case ("System.Threading.Mutex" or "System.Threading.WaitHandle", "WaitOne"):
            case ("System.Threading.ReaderWriterLockSlim", _) when method.Name.StartsWith("Enter") || method.Name.StartsWith("TryEnter"):
                return Create(display, invocation.Instance, invocation, false);
            default:
                return null;
        }
    }

    /// <summary>Where the lock stops being held: the first matching release after the acquisition, else the end of the body.</summary>
    public int ReleasePosition(SyntaxNode body)
    {
        if (_releasedByDispose) return ScopeEnd();
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

    /// <summary>A <c>using</c> statement ends with its embedded statement; a <c>using</c> declaration with its block.</summary>
    private int ScopeEnd()
    {
        foreach (var ancestor in _call.Ancestors())
        {
            if (ancestor is UsingStatementSyntax or BlockSyntax) return ancestor.Span.End;
        }
        return _call.Span.End;
    }

    private bool IsLock(IOperation? operation) =>
        ReferencedSymbol(operation) is { } symbol && SymbolEqualityComparer.Default.Equals(symbol, _lock);

    private static LockAcquisition? Create(string display, IOperation? lockOperand, IInvocationOperation invocation, bool releasedByDispose)
    {
        if (ReferencedSymbol(lockOperand) is not { } symbol) return null;
        return new LockAcquisition(display, symbol, invocation, releasedByDispose);
    }

    private static ISymbol? ReferencedSymbol(IOperation? operation) => operation switch
    {
        IConversionOperation conversion => ReferencedSymbol(conversion.Operand),
        IFieldReferenceOperation field => field.Field,
        ILocalReferenceOperation local => local.Local,
        IParameterReferenceOperation parameter => parameter.Parameter,
        IPropertyReferenceOperation property => property.Property,
        _ => null,
    };

    private static bool IsZeroTimeoutTry(IInvocationOperation invocation)
    {
        foreach (var argument in invocation.Arguments)
        {
            if (BlockingCallClassifier.IsZero(argument.Value)) return true;
        }
        return false;
    }
}
