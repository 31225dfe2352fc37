using System.Composition;
using System.Threading;
using AsyncGen.Analyzers.Semantics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Simplification;

namespace AsyncGen.Analyzers.CodeFixes;

/// <summary>
/// AG0100: rewrites a blocking call in an async future body into an await of its future or async twin:
/// <c>Thread.Sleep(x)</c> → <c>await Time.Sleep(x)</c>, <c>task.Result</c> → <c>await task</c>,
/// <c>x.Load(k)</c> → <c>await x.LoadAsync(k)</c>.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(BlockingCallCodeFixProvider)), Shared]
public sealed class BlockingCallCodeFixProvider : AsyncGenCodeFixProvider
{
    /// <summary>Creates the fix.</summary>
    public BlockingCallCodeFixProvider()
        : base(DiagnosticDescriptors.BlockingCallInFutureBody)
    {
    }

    private protected override SyntaxFix? Fix(
        SyntaxNode root, SyntaxNode node, Diagnostic diagnostic, SemanticModel model, CancellationToken cancellationToken)
    {
        if (node is not ExpressionSyntax call
            || !AwaitRewriting.IsInAsyncFunction(call)
            || Rewrite(call, diagnostic, model, cancellationToken) is not { } awaited)
        {
            return null;
        }
        return new SyntaxFix(
            $"Use '{awaited.Expression.WithoutTrivia()}'",
            diagnostic.Properties[BlockingCall.FixProperty] ?? "",
            () => AwaitRewriting.Replace(root, call, awaited));
    }

    private static AwaitExpressionSyntax? Rewrite(ExpressionSyntax call, Diagnostic diagnostic, SemanticModel model, CancellationToken cancellationToken)
    {
        diagnostic.Properties.TryGetValue(BlockingCall.FixProperty, out var fix);
        ExpressionSyntax? awaited = fix switch
        {
            nameof(BlockingCallFix.TimeSleep) => TimeSleep(call, model, cancellationToken),
            nameof(BlockingCallFix.AwaitTask) => AwaitedTask(call),
            nameof(BlockingCallFix.AsyncTwin) => AsyncTwin(call, diagnostic),
            _ => null,
        };
        return awaited is null ? null : SyntaxFactory.AwaitExpression(awaited.WithoutTrivia());
    }

    /// <summary><c>Thread.Sleep(ms)</c> → <c>Time.Sleep(TimeSpan.FromMilliseconds(ms))</c>; a TimeSpan argument carries over.</summary>
    private static ExpressionSyntax? TimeSleep(ExpressionSyntax call, SemanticModel model, CancellationToken cancellationToken)
    {
        if (call is not InvocationExpressionSyntax { ArgumentList.Arguments.Count: 1 } sleep
            || model.Compilation.GetTypeByMetadataName("AsyncGen.Time") is null)
        {
            return null;
        }
        var argument = sleep.ArgumentList.Arguments[0].Expression;
        var duration = argument.WithoutTrivia();
        if (model.GetTypeInfo(argument, cancellationToken).Type?.SpecialType == SpecialType.System_Int32)
        {
            duration = Invoke("global::System.TimeSpan.FromMilliseconds", duration);
        }
        return Invoke("global::AsyncGen.Time.Sleep", duration);
    }

    /// <summary><c>task.Wait()</c>, <c>task.Result</c>, <c>task.GetAwaiter().GetResult()</c> → <c>task</c>.</summary>
    private static ExpressionSyntax? AwaitedTask(ExpressionSyntax call) => call switch
    {
        MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Result" } result => result.Expression,
        InvocationExpressionSyntax
        {
            Expression: MemberAccessExpressionSyntax
            {
                Name.Identifier.ValueText: "GetResult",
                Expression: InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "GetAwaiter" } getAwaiter },
            },
        } => getAwaiter.Expression,
        InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Wait" } wait } => wait.Expression,
        _ => null,
    };

    /// <summary><c>x.Load(k)</c> → <c>x.LoadAsync(k)</c>, adding <c>CancellationToken.None</c> when the twin requires a token.</summary>
    private static ExpressionSyntax? AsyncTwin(ExpressionSyntax call, Diagnostic diagnostic)
    {
        if (call is not InvocationExpressionSyntax invocation
            || !diagnostic.Properties.TryGetValue(BlockingCall.TwinProperty, out var twin)
            || twin is null)
        {
            return null;
        }
        var twinName = SyntaxFactory.Identifier(twin);
        ExpressionSyntax? target = invocation.Expression switch
        {
            MemberAccessExpressionSyntax access => access.WithName(access.Name.WithIdentifier(twinName)),
            SimpleNameSyntax name => name.WithIdentifier(twinName),
            _ => null,
        };
        if (target is null) return null;
        var arguments = invocation.ArgumentList;
        if (diagnostic.Properties.TryGetValue(BlockingCall.TwinNeedsTokenProperty, out var needsToken) && needsToken == "true")
        {
            arguments = arguments.AddArguments(SyntaxFactory.Argument(
                Qualified("global::System.Threading.CancellationToken.None")));
        }
        return invocation.WithExpression(target).WithArgumentList(arguments);
    }

    private static InvocationExpressionSyntax Invoke(string method, ExpressionSyntax argument) =>
        SyntaxFactory.InvocationExpression(
            Qualified(method),
            SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(argument))));

    /// <summary>A fully qualified name that the simplifier shortens to what the file's usings allow.</summary>
    private static ExpressionSyntax Qualified(string name) =>
        SyntaxFactory.ParseExpression(name).WithAdditionalAnnotations(Simplifier.Annotation);
}
