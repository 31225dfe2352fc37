using System.Collections.Generic;
using AsyncGen.Analyzers.Semantics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncGen.Analyzers.Rules;

/// <summary>
/// AG0110 (info): the "start both, then await" habit from Task code. A future created into a local, whose first use
/// is an <c>await</c>, with an await of another future in between (<c>var a = Slow(); var b = Slow(); await a;
/// await b;</c>): futures are lazy, so <c>b</c> sits idle during <c>await a</c>. Order is textual order within one
/// function (lambdas and local functions are judged on their own); a local first passed anywhere (spawned, joined,
/// polled) is not reported.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class FutureIdleDuringAwaitAnalyzer : AsyncGenAnalyzer
{
    /// <summary>Creates the rule.</summary>
    public FutureIdleDuringAwaitAnalyzer()
        : base(DiagnosticDescriptors.FutureIdleDuringAwait)
    {
    }

    private protected override void Register(CompilationStartAnalysisContext context, KnownTypes types) =>
        context.RegisterOperationBlockAction(block =>
        {
            foreach (var root in block.OperationBlocks) AnalyzeFunction(block, root, types);
        });

    private static void AnalyzeFunction(OperationBlockAnalysisContext context, IOperation root, KnownTypes types)
    {
        var futureLocals = new List<IVariableDeclaratorOperation>();
        var firstRead = new Dictionary<ILocalSymbol, ILocalReferenceOperation>(SymbolEqualityComparer.Default);
        var futureAwaits = new List<IAwaitOperation>();
        foreach (var operation in root.Descendants())
        {
            if (!InFunctionOf(operation, root)) continue;
            switch (operation)
            {
                case IVariableDeclaratorOperation { Initializer.Value: var initial } declarator when CreatesFuture(initial, types):
                    futureLocals.Add(declarator);
                    break;
                case ILocalReferenceOperation read when !firstRead.TryGetValue(read.Local, out var known)
                                                        || read.Syntax.SpanStart < known.Syntax.SpanStart:
                    firstRead[read.Local] = read;
                    break;
                case IAwaitOperation await when types.IsFuture(Unwrap(await.Operation).Type):
                    futureAwaits.Add(await);
                    break;
            }
        }

        foreach (var declarator in futureLocals)
        {
            if (!firstRead.TryGetValue(declarator.Symbol, out var read)) continue;
            var awaitOfLocal = read.Parent as IAwaitOperation
                ?? (read.Parent is IConversionOperation { IsImplicit: true } conversion ? conversion.Parent as IAwaitOperation : null);
            if (awaitOfLocal is null) continue;
            var created = declarator.Syntax.Span.End;
            foreach (var earlier in futureAwaits)
            {
                int at = earlier.Syntax.SpanStart;
                if (at <= created || at >= awaitOfLocal.Syntax.SpanStart) continue;
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.FutureIdleDuringAwait,
                    awaitOfLocal.Syntax.GetLocation(),
                    additionalLocations: [earlier.Syntax.GetLocation()],
                    declarator.Symbol.Name,
                    Unwrap(earlier.Operation).Syntax.ToString()));
                break;
            }
        }
    }

    // Lambdas and local functions run when called, not in this order: skip what is inside them.
    private static bool InFunctionOf(IOperation operation, IOperation root)
    {
        for (var current = operation.Parent; current is not null && current != root; current = current.Parent)
        {
            if (current is IAnonymousFunctionOperation or ILocalFunctionOperation) return false;
        }
        return true;
    }

    private static IOperation Unwrap(IOperation operation) =>
        operation is IConversionOperation { IsImplicit: true } conversion ? conversion.Operand : operation;

    private static bool CreatesFuture(IOperation operation, KnownTypes types)
    {
        var created = Unwrap(operation);
        return created is IInvocationOperation or IObjectCreationOperation
            && types.IsFuture(created.Type)
            && !types.IsJoinHandle(created.Type);
    }
}
