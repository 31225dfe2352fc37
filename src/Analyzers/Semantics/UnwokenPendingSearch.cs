using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncGen.Analyzers.Semantics;

/// <summary>
/// Finds the <c>Pending</c> reads of a <c>Poll</c> body that some path from the entry reaches without registering or
/// waking the waker. The walk stops at every block that arranges a wake-up, and remembers the value of boolean locals
/// it branched on, so that correlated tests (<c>if (!done) cx.Waker.Wake(); … return done ? Ready : Pending;</c>) do
/// not produce impossible paths.
/// </summary>
internal sealed class UnwokenPendingSearch
{
    // Branch facts per path are capped so that a body full of boolean tests cannot blow up the walk.
    private const int MaxFacts = 4;

    private readonly ControlFlowGraph _graph;
    private readonly KnownTypes _types;
    private readonly HashSet<SyntaxNode> _registeringLoops;

    public UnwokenPendingSearch(IOperation body, ControlFlowGraph graph, KnownTypes types)
    {
        _graph = graph;
        _types = types;
        _registeringLoops = LoopsThatArrangeWakeUps(body, types);
    }

    public IEnumerable<IOperation> Run()
    {
        var found = new HashSet<IOperation>();
        var seen = new HashSet<string>();
        var work = new Stack<(BasicBlock Block, ImmutableDictionary<ILocalSymbol, bool> Facts)>();
        work.Push((_graph.Blocks[0], ImmutableDictionary.Create<ILocalSymbol, bool>(SymbolEqualityComparer.Default)));
        while (work.Count > 0)
        {
            var (block, facts) = work.Pop();
            if (!seen.Add(Key(block, facts))) continue;
            var operations = OperationsOf(block);
            if (operations.Any(ArrangesWakeUp)) continue;
            foreach (var pending in operations.SelectMany(operation => operation.DescendantsAndSelf()))
            {
                if (WakerUses.IsPending(pending, _types) && found.Add(pending)) yield return pending;
            }
            facts = Forget(facts, block);
            foreach (var next in Successors(block, facts)) work.Push(next);
        }
    }

    private bool ArrangesWakeUp(IOperation operation) =>
        WakerUses.ArrangesWakeUp(operation, _types) || operation.Syntax.AncestorsAndSelf().Any(_registeringLoops.Contains);

    /// <summary>
    /// Loops whose body registers or wakes the waker (polling every child of a join, say) count as a registration as a
    /// whole: the path that runs such a loop zero times is the empty join, ready at once, which the graph cannot know.
    /// </summary>
    private static HashSet<SyntaxNode> LoopsThatArrangeWakeUps(IOperation body, KnownTypes types)
    {
        var loops = new HashSet<SyntaxNode>();
        foreach (var operation in body.Descendants())
        {
            if (WakerUses.Classify(operation, types) == WakerUse.None) continue;
            for (var parent = operation.Parent; parent is not null; parent = parent.Parent)
            {
                if (parent is ILoopOperation loop) loops.Add(loop.Syntax);
            }
        }
        return loops;
    }

    private static IEnumerable<(BasicBlock, ImmutableDictionary<ILocalSymbol, bool>)> Successors(
        BasicBlock block, ImmutableDictionary<ILocalSymbol, bool> facts)
    {
        var fallThrough = block.FallThroughSuccessor?.Destination;
        var conditional = block.ConditionalSuccessor?.Destination;
        if (conditional is null || BooleanLocal(block.BranchValue) is not { } test)
        {
            if (fallThrough is not null) yield return (fallThrough, facts);
            if (conditional is not null) yield return (conditional, facts);
            yield break;
        }
        // The conditional successor is taken when the branch value equals the block's condition kind.
        var valueWhenConditional = block.ConditionKind == ControlFlowConditionKind.WhenTrue ? test.Sense : !test.Sense;
        if (facts.TryGetValue(test.Local, out var known))
        {
            var destination = known == valueWhenConditional ? conditional : fallThrough;
            if (destination is not null) yield return (destination, facts);
            yield break;
        }
        var canRemember = facts.Count < MaxFacts;
        yield return (conditional, canRemember ? facts.SetItem(test.Local, valueWhenConditional) : facts);
        if (fallThrough is not null) yield return (fallThrough, canRemember ? facts.SetItem(test.Local, !valueWhenConditional) : facts);
    }

    /// <summary>A branch on <c>flag</c> or <c>!flag</c> for a boolean local: which local, and the value that makes the test true.</summary>
    private static (ILocalSymbol Local, bool Sense)? BooleanLocal(IOperation? condition) => condition switch
    {
        ILocalReferenceOperation local => (local.Local, true),
        IUnaryOperation { OperatorKind: UnaryOperatorKind.Not, Operand: ILocalReferenceOperation local } => (local.Local, false),
        _ => null,
    };

    /// <summary>Drops the facts about locals that <paramref name="block"/> writes.</summary>
    private static ImmutableDictionary<ILocalSymbol, bool> Forget(ImmutableDictionary<ILocalSymbol, bool> facts, BasicBlock block)
    {
        if (facts.IsEmpty) return facts;
        foreach (var written in OperationsOf(block).SelectMany(operation => operation.DescendantsAndSelf()))
        {
            if (written is ILocalReferenceOperation local && IsWrite(local)) facts = facts.Remove(local.Local);
        }
        return facts;
    }

    private static bool IsWrite(ILocalReferenceOperation local) => local.Parent switch
    {
        IAssignmentOperation assignment => assignment.Target == local,
        IIncrementOrDecrementOperation => true,
        IArgumentOperation argument => argument.Parameter?.RefKind is RefKind.Ref or RefKind.Out,
        _ => false,
    };

    private static List<IOperation> OperationsOf(BasicBlock block)
    {
        var operations = new List<IOperation>(block.Operations);
        if (block.BranchValue is not null) operations.Add(block.BranchValue);
        return operations;
    }

    private static string Key(BasicBlock block, ImmutableDictionary<ILocalSymbol, bool> facts) =>
        block.Ordinal + ":" + string.Join(",", facts.Select(fact => fact.Key.Name + "@" + fact.Key.Locations[0].SourceSpan.Start + "=" + fact.Value).OrderBy(text => text));
}
