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
        IPropertyReferenceOperation { Property.Name: "Result" } read
            when IsTaskLike(read.Property.ContainingType) && !CompletionIsChecked(read.Instance) =>
            new BlockingCall(TypeAndMember(read.Property), "await the task instead", BlockingCallFix.AwaitTask),
        _ => null,
    };

    private static BlockingCall? ClassifyInvocation(IInvocationOperation invocation, KnownTypes types)
    {
        var method = invocation.TargetMethod;
        if (IsAwaitable(method.ReturnType, types)
            || IsNonBlockingByArguments(invocation)
            || IsInMemory(invocation)
            || IsNonBlockingSocketCall(invocation))
        {
            return null;
        }

        var display = TypeAndMember(method);
        if (IsBlockingAwaiterGetResult(method))
        {
            return CompletionIsChecked(invocation.Instance)
                ? null
                : new BlockingCall(display, "await the task instead", BlockingCallFix.AwaitTask);
        }
        var known = BlockingApis.Contains(method);
        var tableFix = known ? FixForTableEntry(invocation) : BlockingCallFix.None;
        if (tableFix == BlockingCallFix.AwaitTask && CompletionIsChecked(invocation.Instance)) return null;
        if (tableFix != BlockingCallFix.None)
        {
            return new BlockingCall(display, tableFix == BlockingCallFix.TimeSleep ? "await Time.Sleep instead" : "await the task instead", tableFix);
        }
        if (FindAsyncTwin(invocation, types) is { } twin)
        {
            // A twin that takes a Memory where the call passes a Span cannot take the same arguments: name it, do not rewrite.
            var fix = twin.SameArguments ? BlockingCallFix.AsyncTwin : BlockingCallFix.None;
            return new BlockingCall(display, $"await '{twin.Method.Name}' instead", fix, twin.Method.Name, twin.NeedsToken);
        }
        return known ? new BlockingCall(display, "use a future or an async alternative", BlockingCallFix.None) : null;
    }

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
        // A type parameter (`value.Equals(other)` in a generic future) is not one of these types: only named types are.
        for (var type = receiver?.Type as INamedTypeSymbol; type is not null; type = type.BaseType)
        {
            var name = BlockingApis.MetadataName(type);
            if (name is "System.IO.MemoryStream" or "System.IO.UnmanagedMemoryStream" or "System.IO.StringReader"
                or "System.IO.StringWriter")
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// The socket idiom of non-blocking I/O: a call that throws <c>SocketException</c> (would-block) inside a <c>try</c>
    /// that catches it, as for <c>Socket.Accept</c>, which has no non-throwing overload.
    /// </summary>
    private static bool IsNonBlockingSocketCall(IInvocationOperation invocation)
    {
        if (invocation.TargetMethod.ContainingType.ContainingNamespace.ToDisplayString() != "System.Net.Sockets") return false;
        for (var current = invocation.Parent; current is not null; current = current.Parent)
        {
            if (current is not ITryOperation attempt) continue;
            foreach (var handler in attempt.Catches)
            {
                if (handler.ExceptionType.Name == "SocketException") return true;
            }
        }
        return false;
    }

    /// <summary>
    /// The body reads <c>IsCompleted</c> (or another completion state) of the task or awaiter that the blocking read
    /// goes through: the read is guarded, as in a hand-written <c>Poll</c> over a task, and returns at once.
    /// </summary>
    private static bool CompletionIsChecked(IOperation? receiver)
    {
        if (TaskStorage(receiver) is not { } storage) return false;
        var root = receiver!;
        while (root.Parent is not null) root = root.Parent;
        foreach (var operation in root.Descendants())
        {
            if (operation is IPropertyReferenceOperation
                {
                    Property.Name: "IsCompleted" or "IsCompletedSuccessfully" or "IsFaulted" or "IsCanceled" or "Status",
                } state
                && SymbolEqualityComparer.Default.Equals(TaskStorage(state.Instance), storage))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The field, local or parameter a task read starts from, through <c>GetAwaiter()</c> and <c>ConfigureAwait(..)</c>.</summary>
    private static ISymbol? TaskStorage(IOperation? operation)
    {
        while (operation is IInvocationOperation { TargetMethod.Name: "GetAwaiter" or "ConfigureAwait" } step) operation = step.Instance;
        if (operation is IConversionOperation conversion) operation = conversion.Operand;
        return operation switch
        {
            IFieldReferenceOperation field => field.Field,
            ILocalReferenceOperation local => local.Local,
            IParameterReferenceOperation parameter => parameter.Parameter,
            _ => null,
        };
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

    private readonly struct AsyncTwin(IMethodSymbol method, bool sameArguments, bool needsToken)
    {
        public IMethodSymbol Method { get; } = method;
        public bool SameArguments { get; } = sameArguments;
        public bool NeedsToken { get; } = needsToken;
    }

    private static AsyncTwin? FindAsyncTwin(IInvocationOperation invocation, KnownTypes types)
    {
        var method = invocation.TargetMethod;
        if (method.IsExtensionMethod || method.MethodKind != MethodKind.Ordinary || invocation.SemanticModel is null)
        {
            return null;
        }
        var container = method.IsStatic ? method.ContainingType : invocation.Instance?.Type ?? method.ContainingType;
        var candidates = invocation.SemanticModel.LookupSymbols(invocation.Syntax.SpanStart, container, method.Name + "Async");
        foreach (var candidate in candidates)
        {
            if (candidate is IMethodSymbol twin
                && twin.IsStatic == method.IsStatic
                && IsAwaitable(twin.ReturnType, types)
                && !IsObsolete(twin)
                && MatchShape(method, twin, types) is { } sameArguments)
            {
                var extra = twin.Parameters.Length > method.Parameters.Length;
                return new AsyncTwin(twin, sameArguments, extra && !twin.Parameters[twin.Parameters.Length - 1].IsOptional);
            }
        }
        return null;
    }

    /// <summary>
    /// Same parameter types in order, plus at most a trailing CancellationToken: true when the arguments carry over
    /// as they are, false when a span must become a memory, null when the shapes differ.
    /// </summary>
    private static bool? MatchShape(IMethodSymbol method, IMethodSymbol twin, KnownTypes types)
    {
        var count = method.Parameters.Length;
        var extra = twin.Parameters.Length - count;
        if (extra < 0 || extra > 1 || method.Arity != twin.Arity) return null;
        if (extra == 1 && !types.IsCancellationToken(twin.Parameters[count].Type)) return null;
        var same = true;
        for (var i = 0; i < count; i++)
        {
            var mine = method.OriginalDefinition.Parameters[i];
            var theirs = twin.OriginalDefinition.Parameters[i];
            if (mine.RefKind != theirs.RefKind) return null;
            var a = mine.Type.ToDisplayString();
            var b = theirs.Type.ToDisplayString();
            if (a == b) continue;
            if (a.Replace("System.Span<", "System.Memory<") != b && a.Replace("System.ReadOnlySpan<", "System.ReadOnlyMemory<") != b)
            {
                return null;
            }
            same = false;
        }
        return same;
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
