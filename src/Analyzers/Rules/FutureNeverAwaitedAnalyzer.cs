using System.Collections.Generic;
using AsyncGen.Analyzers.Semantics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncGen.Analyzers.Rules;

/// <summary>
/// AG0106: a future is created and dropped: a call or <c>new</c> used as a statement, assigned to the discard
/// (clippy's <c>let_underscore_future</c>), or stored in a local that is never read. Join handles are exempt:
/// dropping one detaches a task that is already running.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class FutureNeverAwaitedAnalyzer : AsyncGenAnalyzer
{
    /// <summary>Creates the rule.</summary>
    public FutureNeverAwaitedAnalyzer()
        : base(DiagnosticDescriptors.FutureNeverAwaited)
    {
    }

    private protected override void Register(CompilationStartAnalysisContext context, KnownTypes types) =>
        context.RegisterOperationAction(operation => AnalyzeBody(operation, types), OperationKind.MethodBody, OperationKind.ConstructorBody);

    private static void AnalyzeBody(OperationAnalysisContext context, KnownTypes types)
    {
        var readLocals = new HashSet<ILocalSymbol>(SymbolEqualityComparer.Default);
        var futureLocals = new List<IVariableDeclaratorOperation>();
        foreach (var operation in context.Operation.Descendants())
        {
            switch (operation)
            {
                case IExpressionStatementOperation { Operation: var dropped } when CreatesFuture(dropped, types):
                    Report(context, dropped);
                    break;
                case ISimpleAssignmentOperation { Target: IDiscardOperation, Value: var discarded } when CreatesFuture(discarded, types):
                    Report(context, discarded);
                    break;
                case IVariableDeclaratorOperation { Initializer.Value: var initial } declarator when CreatesFuture(initial, types):
                    futureLocals.Add(declarator);
                    break;
                case ILocalReferenceOperation read:
                    readLocals.Add(read.Local);
                    break;
            }
        }
        foreach (var declarator in futureLocals)
        {
            if (!readLocals.Contains(declarator.Symbol)) Report(context, declarator.Initializer!.Value);
        }
    }

    private static bool CreatesFuture(IOperation operation, KnownTypes types)
    {
        var created = operation is IConversionOperation { IsImplicit: true } conversion ? conversion.Operand : operation;
        return created is IInvocationOperation or IObjectCreationOperation
            && types.IsFuture(created.Type)
            && !types.IsJoinHandle(created.Type);
    }

    private static void Report(OperationAnalysisContext context, IOperation created)
    {
        var unwrapped = created is IConversionOperation { IsImplicit: true } conversion ? conversion.Operand : created;
        var name = unwrapped switch
        {
            IInvocationOperation invocation => invocation.TargetMethod.Name,
            _ => unwrapped.Type?.Name ?? "new",
        };
        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.FutureNeverAwaited, unwrapped.Syntax.GetLocation(), name));
    }
}
