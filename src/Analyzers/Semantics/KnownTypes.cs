using Microsoft.CodeAnalysis;

namespace AsyncGen.Analyzers.Semantics;

/// <summary>
/// The runtime and BCL types the rules recognise, resolved once per compilation by metadata name: analyzers never
/// reference the runtime assembly. A null member means the compilation does not see that type.
/// </summary>
internal sealed class KnownTypes
{
    public KnownTypes(Compilation compilation)
    {
        IFuture = compilation.GetTypeByMetadataName("AsyncGen.IFuture`1");
        Future = compilation.GetTypeByMetadataName("AsyncGen.Future");
        FutureOfT = compilation.GetTypeByMetadataName("AsyncGen.Future`1");
        Poll = compilation.GetTypeByMetadataName("AsyncGen.Poll`1");
        Context = compilation.GetTypeByMetadataName("AsyncGen.Context");
        Waker = compilation.GetTypeByMetadataName("AsyncGen.Waker");
        PollAsyncAttribute = compilation.GetTypeByMetadataName("AsyncGen.PollAsyncAttribute");
        JoinHandle = compilation.GetTypeByMetadataName("AsyncGen.JoinHandle`1");
        FutureAwaiter = compilation.GetTypeByMetadataName("AsyncGen.FutureAwaiter`1");
        CancellationToken = compilation.GetTypeByMetadataName("System.Threading.CancellationToken");
    }

    public INamedTypeSymbol? IFuture { get; }
    public INamedTypeSymbol? Future { get; }
    public INamedTypeSymbol? FutureOfT { get; }
    public INamedTypeSymbol? Poll { get; }
    public INamedTypeSymbol? Context { get; }
    public INamedTypeSymbol? Waker { get; }
    public INamedTypeSymbol? PollAsyncAttribute { get; }
    public INamedTypeSymbol? JoinHandle { get; }
    public INamedTypeSymbol? FutureAwaiter { get; }
    public INamedTypeSymbol? CancellationToken { get; }

    /// <summary>True when the compilation references the AsyncGen runtime at all; rules stay silent otherwise.</summary>
    public bool HasRuntime => IFuture is not null && Context is not null;

    /// <summary>True for <c>IFuture&lt;T&gt;</c> itself and every type implementing it.</summary>
    public bool IsFuture(ITypeSymbol? type)
    {
        if (type is null || IFuture is null) return false;
        if (Is(type.OriginalDefinition, IFuture)) return true;
        if (type is ITypeParameterSymbol typeParameter)
        {
            foreach (var constraint in typeParameter.ConstraintTypes)
            {
                if (IsFuture(constraint)) return true;
            }
            return false;
        }
        foreach (var implemented in type.AllInterfaces)
        {
            if (Is(implemented.OriginalDefinition, IFuture)) return true;
        }
        return false;
    }

    /// <summary>True for <c>Future</c> / <c>Future&lt;T&gt;</c>, the return types of async future bodies.</summary>
    public bool IsFutureClass(ITypeSymbol? type) =>
        type is not null && (Is(type.OriginalDefinition, FutureOfT) || Is(type, Future));

    public bool IsContext(ITypeSymbol? type) => type is not null && Is(type, Context);

    public bool IsWaker(ITypeSymbol? type) =>
        type is not null && (Is(type, Waker) || Is(UnwrapNullable(type), Waker));

    public bool IsPoll(ITypeSymbol? type) => type is not null && Is(type.OriginalDefinition, Poll);

    public bool IsJoinHandle(ITypeSymbol? type) => type is not null && Is(type.OriginalDefinition, JoinHandle);

    /// <summary>True for <c>FutureAwaiter&lt;T&gt;</c>: what awaiting a future (or any <c>IFuture&lt;T&gt;</c>) gets.</summary>
    public bool IsFutureAwaiter(ITypeSymbol? type) => type is not null && Is(type.OriginalDefinition, FutureAwaiter);

    public bool IsCancellationToken(ITypeSymbol? type) => type is not null && Is(type, CancellationToken);

    public static bool Is(ITypeSymbol? type, INamedTypeSymbol? expected) =>
        expected is not null && SymbolEqualityComparer.Default.Equals(type, expected);

    private static ITypeSymbol UnwrapNullable(ITypeSymbol type) =>
        type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable
            ? nullable.TypeArguments[0]
            : type;
}
