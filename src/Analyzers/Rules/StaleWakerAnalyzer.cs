using System.Collections.Generic;
using AsyncGen.Analyzers.Semantics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncGen.Analyzers.Rules;

/// <summary>
/// AG0108: the context's waker is stored into a field or property only when nothing is stored yet
/// (<c>_waker ??= cx.Waker</c>, or <c>if (_waker is null) _waker = cx.Waker</c>), so every later poll keeps the first
/// poll's waker. A guard that compares with the current waker (<c>WillWake</c>, <c>!=</c>) is the correct refresh and
/// is not reported, nor is a once-guarded store backed by an unguarded one in the same body.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class StaleWakerAnalyzer : AsyncGenAnalyzer
{
    /// <summary>Creates the rule.</summary>
    public StaleWakerAnalyzer()
        : base(DiagnosticDescriptors.StaleWaker)
    {
    }

    private protected override void Register(CompilationStartAnalysisContext context, KnownTypes types) =>
        context.RegisterOperationAction(operation => Analyze(operation, types), OperationKind.MethodBody);

    private static void Analyze(OperationAnalysisContext context, KnownTypes types)
    {
        var onceStores = new List<(IOperation Store, ISymbol Target, string Source)>();
        var refreshed = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        foreach (var operation in context.Operation.Descendants())
        {
            if (operation is not IAssignmentOperation { Value: var value, Target: var target } store
                || ContextWakerRead(value, types) is not { } waker
                || StoredMember(target) is not { } member)
            {
                continue;
            }
            if (store is ICoalesceAssignmentOperation || IsGuardedByEmptinessTest(store, member, waker))
            {
                onceStores.Add((store, member, waker.Syntax.ToString()));
            }
            else
            {
                refreshed.Add(member);
            }
        }
        foreach (var (store, member, source) in onceStores)
        {
            if (refreshed.Contains(member)) continue;
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.StaleWaker, store.Syntax.GetLocation(), member.Name, source));
        }
    }

    private static IOperation? ContextWakerRead(IOperation value, KnownTypes types)
    {
        var unwrapped = value is IConversionOperation conversion ? conversion.Operand : value;
        return unwrapped is IPropertyReferenceOperation { Property.Name: "Waker" } read && types.IsContext(read.Property.ContainingType)
            ? read
            : null;
    }

    private static ISymbol? StoredMember(IOperation target) => target switch
    {
        IFieldReferenceOperation field => field.Field,
        IPropertyReferenceOperation property => property.Property,
        _ => null,
    };

    /// <summary>
    /// The store sits in the then-branch of an <c>if</c> whose condition reads the stored member but not the context:
    /// a test for "nothing stored yet" (<c>is null</c>, <c>IsNoop</c>, <c>== default</c>, <c>!HasValue</c>).
    /// </summary>
    private static bool IsGuardedByEmptinessTest(IOperation store, ISymbol member, IOperation wakerRead)
    {
        var contextType = ((IPropertyReferenceOperation)wakerRead).Property.ContainingType;
        for (IOperation? current = store, parent = store.Parent; parent is not null; current = parent, parent = parent.Parent)
        {
            if (parent is not IConditionalOperation guard || current != guard.WhenTrue) continue;
            var readsMember = false;
            foreach (var inner in guard.Condition.DescendantsAndSelf())
            {
                if (inner is IParameterReferenceOperation parameter && KnownTypes.Is(parameter.Type, contextType)) return false;
                if (StoredMember(inner) is { } read && SymbolEqualityComparer.Default.Equals(read, member)) readsMember = true;
            }
            return readsMember;
        }
        return false;
    }
}
