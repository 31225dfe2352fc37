using System.Collections.Generic;
using System.Collections.Immutable;
using AsyncGen.Analyzers.Semantics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncGen.Analyzers.Rules;

/// <summary>
/// AG0102: a path through a hand-written <c>Poll</c> reaches <c>Pending</c> without registering or waking the waker
/// (the lost wake-up). Path-sensitive: a registration in one branch does not cover a Pending in the other.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class PendingWithoutWakerAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.PendingWithoutWaker);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            var types = new KnownTypes(start.Compilation);
            if (!types.HasRuntime) return;
            start.RegisterOperationAction(operation => Analyze(operation, types), OperationKind.MethodBody);
        });
    }

    private static void Analyze(OperationAnalysisContext context, KnownTypes types)
    {
        if (!types.IsPollMethod(context.ContainingSymbol)) return;
        var contextName = ((IMethodSymbol)context.ContainingSymbol).Parameters[0].Name;
        var graph = context.GetControlFlowGraph();
        foreach (var pending in PendingReachedWithoutWakeUp(graph, types))
        {
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.PendingWithoutWaker, pending.Syntax.GetLocation(), contextName));
        }
    }

    /// <summary>
    /// Walks the graph from its entry, stopping at every block that registers or wakes the waker; the Pending reads in
    /// the blocks still reached are on a path with no wake-up. Catch handlers are not entered (they have no incoming
    /// edges): a rule that guesses there would only add noise.
    /// </summary>
    private static IEnumerable<IOperation> PendingReachedWithoutWakeUp(ControlFlowGraph graph, KnownTypes types)
    {
        var visited = new bool[graph.Blocks.Length];
        var work = new Stack<BasicBlock>();
        work.Push(graph.Blocks[0]);
        visited[0] = true;
        while (work.Count > 0)
        {
            var block = work.Pop();
            var operations = OperationsOf(block);
            if (Any(operations, operation => WakerUses.ArrangesWakeUp(operation, types))) continue;
            foreach (var operation in operations)
            {
                foreach (var inner in operation.DescendantsAndSelf())
                {
                    if (WakerUses.IsPending(inner, types)) yield return inner;
                }
            }
            Push(block.FallThroughSuccessor, visited, work);
            Push(block.ConditionalSuccessor, visited, work);
        }
    }

    private static List<IOperation> OperationsOf(BasicBlock block)
    {
        var operations = new List<IOperation>(block.Operations);
        if (block.BranchValue is not null) operations.Add(block.BranchValue);
        return operations;
    }

    private static bool Any(List<IOperation> operations, System.Func<IOperation, bool> predicate)
    {
        foreach (var operation in operations)
        {
            if (predicate(operation)) return true;
        }
        return false;
    }

    private static void Push(ControlFlowBranch? branch, bool[] visited, Stack<BasicBlock> work)
    {
        if (branch?.Destination is not { } destination || visited[destination.Ordinal]) return;
        visited[destination.Ordinal] = true;
        work.Push(destination);
    }
}
