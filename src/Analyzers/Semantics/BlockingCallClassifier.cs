using System;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncGen.Analyzers.Semantics;

/// <summary>
/// Decides whether an invocation or property read blocks the calling thread: a call from <see cref="BlockingApis"/>,
/// a blocking read of a task's result, or any call with an awaitable twin (<c>X</c> / <c>XAsync</c> with the same
/// parameters, optionally plus a trailing <c>CancellationToken</c>).
/// </summary>
internal static class BlockingCallClassifier
{
    public static BlockingCall? Classify(IOperation operation, KnownTypes types) => operation switch
    {
        IInvocationOperation invocation => ClassifyInvocation(invocation, types),
        IPropertyReferenceOperation { Property.Name: "Result" } read when IsTaskLike(read.Property.ContainingType) =>
            new BlockingCall(TypeAndMember(read.Property), "await the task instead", BlockingCallFix.AwaitTask),
        _ => null,
    };

    private static BlockingCall? ClassifyInvocation(IInvocationOperation invocation, KnownTypes types)
    {
        var method = invocation.TargetMethod;
        if (IsAwaitable(method.ReturnType, types) || IsNonBlockingByArguments(invocation) || IsInMemory(invocation))
        {
            return null;
        }

        var display = TypeAndMember(method);
        if (IsBlockingAwaiterGetResult(method))
        {
            return new BlockingCall(display, "await the task instead", BlockingCallFix.AwaitTask);
        }
        if (BlockingApis.Contains(method))
        {
            return new BlockingCall(display, AdviceForTableEntry(invocation), FixForTableEntry(invocation));
        }
        var twin = FindAsyncTwin(invocation, types);
        return twin is null
            ? null
            : new BlockingCall(display, $"await '{twin.Name}' instead", BlockingCallFix.AsyncTwin, twin.Name);
    }

    private static string AdviceForTableEntry(IInvocationOperation invocation) => FixForTableEntry(invocation) switch
    {
        BlockingCallFix.TimeSleep => "await Time.Sleep instead",
        BlockingCallFix.AwaitTask => "await the task instead",
        _ => "use a future or an async alternative",
    };

    private static BlockingCallFix FixForTableEntry(IInvocationOperation invocation)
    {
        var method = invocation.TargetMethod;
        var type = BlockingApis.MetadataName(method.ContainingType);
        if (type == "System.Threading.Thread" && method.Name == "Sleep") return BlockingCallFix.TimeSleep;
        if (type == "System.Threading.Tasks.Task" && method.Name == "Wait" && !method.IsStatic && method.Parameters.Length == 0)
        {
            return BlockingCallFix.AwaitTask;
        }
        return BlockingCallFix.None;
    }

    /// <summary><c>Wait(0)</c>, <c>WaitOne(TimeSpan.Zero)</c>, <c>WaitForExit(0)</c>: a zero timeout only tests, never waits.</summary>
    private static bool IsNonBlockingByArguments(IInvocationOperation invocation)
    {
        foreach (var argument in invocation.Arguments)
        {
            var parameter = argument.Parameter;
            if (parameter is null) continue;
            if (parameter.Name.IndexOf("timeout", StringComparison.OrdinalIgnoreCase) >= 0 && IsZero(argument.Value))
            {
                return true;
            }
            // Socket overloads with 'out SocketError' are the ones non-blocking sockets use (would-block is an error code).
            if (parameter.RefKind == RefKind.Out && parameter.Type.Name == "SocketError") return true;
        }
        return false;
    }

    /// <summary>A constant <c>0</c> or <c>TimeSpan.Zero</c>.</summary>
    public static bool IsZero(IOperation value)
    {
        if (value.ConstantValue is { HasValue: true, Value: int or long } constant) return Convert.ToInt64(constant.Value) == 0;
        var unwrapped = value is IConversionOperation conversion ? conversion.Operand : value;
        return unwrapped is IFieldReferenceOperation { Field.Name: "Zero", Field.ContainingType.Name: "TimeSpan" };
    }

    /// <summary>Streams and writers over memory, and console output, never wait on a device worth awaiting.</summary>
    private static bool IsInMemory(IInvocationOperation invocation)
    {
        var receiver = invocation.Instance;
        if (receiver is IPropertyReferenceOperation { Property.Name: "Out" or "Error", Property.ContainingType.Name: "Console" })
        {
            return true;
        }
        for (var type = receiver?.Type; type is not null; type = type.BaseType)
        {
            var name = BlockingApis.MetadataName((INamedTypeSymbol)type);
            if (name is "System.IO.MemoryStream" or "System.IO.UnmanagedMemoryStream" or "System.IO.StringReader"
                or "System.IO.StringWriter")
            {
                return true;
            }
        }
        return false;
    }

    private static bool IsBlockingAwaiterGetResult(IMethodSymbol method) =>
        method.Name == "GetResult"
        && method.ContainingType.ContainingNamespace.ToDisplayString() == "System.Runtime.CompilerServices"
        && method.ContainingType.Name.EndsWith("Awaiter", StringComparison.Ordinal);

    private static bool IsTaskLike(INamedTypeSymbol type) =>
        type.ContainingNamespace.ToDisplayString() == "System.Threading.Tasks"
        && type.Name is "Task" or "ValueTask";

    /// <summary>Tasks, value tasks, futures, and anything with an instance <c>GetAwaiter()</c>.</summary>
    public static bool IsAwaitable(ITypeSymbol type, KnownTypes types)
    {
        if (types.IsFuture(type)) return true;
        if (type is INamedTypeSymbol named && IsTaskLike(named.OriginalDefinition)) return true;
        foreach (var member in type.GetMembers("GetAwaiter"))
        {
            if (member is IMethodSymbol { IsStatic: false, Parameters.Length: 0 }) return true;
        }
        return false;
    }

    private static IMethodSymbol? FindAsyncTwin(IInvocationOperation invocation, KnownTypes types)
    {
        var method = invocation.TargetMethod;
        if (method.IsExtensionMethod || method.MethodKind != MethodKind.Ordinary || invocation.SemanticModel is null)
        {
            return null;
        }
        var container = method.IsStatic ? method.ContainingType : invocation.Instance?.Type ?? method.ContainingType;
        var twinName = method.Name + "Async";
        var candidates = invocation.SemanticModel.LookupSymbols(invocation.Syntax.SpanStart, container, twinName);
        foreach (var candidate in candidates)
        {
            if (candidate is IMethodSymbol twin
                && twin.IsStatic == method.IsStatic
                && IsAwaitable(twin.ReturnType, types)
                && !IsObsolete(twin)
                && HaveSameShape(method, twin, types))
            {
                return twin;
            }
        }
        return null;
    }

    /// <summary>Same parameter types in order (a span may become a memory), plus at most a trailing CancellationToken.</summary>
    private static bool HaveSameShape(IMethodSymbol method, IMethodSymbol twin, KnownTypes types)
    {
        var count = method.Parameters.Length;
        var extra = twin.Parameters.Length - count;
        if (extra < 0 || extra > 1 || method.Arity != twin.Arity) return false;
        if (extra == 1 && !types.IsCancellationToken(twin.Parameters[count].Type)) return false;
        for (var i = 0; i < count; i++)
        {
            var mine = method.OriginalDefinition.Parameters[i];
            var theirs = twin.OriginalDefinition.Parameters[i];
            if (mine.RefKind != theirs.RefKind || !SameOrMemoryOfSpan(mine.Type, theirs.Type)) return false;
        }
        return true;
    }

    private static bool SameOrMemoryOfSpan(ITypeSymbol mine, ITypeSymbol theirs)
    {
        var a = mine.ToDisplayString();
        var b = theirs.ToDisplayString();
        return a == b
            || a.Replace("System.Span<", "System.Memory<") == b
            || a.Replace("System.ReadOnlySpan<", "System.ReadOnlyMemory<") == b;
    }

    private static bool IsObsolete(ISymbol symbol)
    {
        foreach (var attribute in symbol.GetAttributes())
        {
            if (attribute.AttributeClass?.Name == "ObsoleteAttribute") return true;
        }
        return false;
    }

    private static string TypeAndMember(ISymbol member) => member.ContainingType.Name + "." + member.Name;
}
