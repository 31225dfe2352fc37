using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AsyncGen.Generator.Rewriting;

/// <summary>
/// The control flow the body builder has taken apart, and what each jump the user wrote becomes because of it:
/// a <c>break</c> out of a flattened loop is a goto to its label, a jump out of a try whose finally awaits goes
/// through that finally (Roslyn's pending branch), <c>throw;</c> in a catch block that awaits rethrows the
/// recorded exception. The builder registers what it flattens; the rewriter only asks for translations, so the two
/// share no state but this table.
/// </summary>
internal sealed class JumpTable(MachineFields fields, string resultType, string readyFormat)
{
    private readonly Dictionary<SyntaxNode, (string Break, string? Continue)> _flattened = new();
    private readonly Dictionary<CatchClauseSyntax, string> _awaitingCatches = new();
    private readonly List<PendingFinally> _awaitingFinallies = new();
    private string? _returnValueField;

    /// <summary>A loop or switch became labels: its break and continue (null for a switch) go there.</summary>
    public void Flatten(SyntaxNode loopOrSwitch, string breakLabel, string? continueLabel) =>
        _flattened[loopOrSwitch] = (breakLabel, continueLabel);

    public bool IsFlattened(SyntaxNode loopOrSwitch) => _flattened.ContainsKey(loopOrSwitch);

    /// <summary>A catch clause whose body awaits runs after its try, with the exception in <paramref name="exceptionField"/>.</summary>
    public void AwaitingCatch(CatchClauseSyntax clause, string exceptionField) => _awaitingCatches[clause] = exceptionField;

    /// <summary>A finally block that awaits runs after its try; jumps out of the try go through it.</summary>
    public void AwaitingFinally(PendingFinally pending) => _awaitingFinallies.Add(pending);

    /// <summary>True when a <c>goto</c> at <paramref name="node"/> would leave a try whose finally awaits.</summary>
    public bool IsGuardedByAwaitingFinally(SyntaxNode node) => _awaitingFinallies.Any(f => f.Guards(node));

    /// <summary>The field holding the exception of the awaiting catch <paramref name="clause"/>, or null.</summary>
    public string? CaughtExceptionField(CatchClauseSyntax clause) =>
        _awaitingCatches.TryGetValue(clause, out var field) ? field : null;

    /// <summary>The statement that completes the machine with <paramref name="value"/>, for the return at <paramref name="node"/>.</summary>
    public string Return(SyntaxNode node, string value)
    {
        var crossed = Crossed(node, null);
        if (crossed.Count == 0) return "return " + string.Format(readyFormat, value) + ";";
        // The value is computed now; the return happens after the finally blocks that await.
        var field = node is ReturnStatementSyntax { Expression: not null } or ArrowExpressionClauseSyntax or ExpressionSyntax ? ReturnValueField() : null;
        var exit = "return " + string.Format(readyFormat, field ?? "default") + ";";
        return field is null ? Through(crossed, exit) : $"{{ {field} = {value}; {Through(crossed, exit)} }}";
    }

    /// <summary>The goto that <c>break</c>/<c>continue</c> at <paramref name="node"/> becomes, or null when it stays as written.</summary>
    public string? Jump(StatementSyntax node, SyntaxNode? target, bool isBreak)
    {
        if (target is null || !_flattened.TryGetValue(target, out var labels)) return null;
        var jump = $"goto {(isBreak ? labels.Break : labels.Continue)};";
        return Through(Crossed(node, target), jump);
    }

    /// <summary>The goto that <c>goto case</c>/<c>goto default</c> at <paramref name="node"/> becomes: to section <paramref name="section"/> of a flattened switch.</summary>
    public string GotoSection(StatementSyntax node, SyntaxNode @switch, int section) =>
        Through(Crossed(node, @switch), $"goto {GeneratedNames.SwitchCaseLabel(_flattened[@switch].Break, section)};");

    /// <summary>The goto that <c>goto label</c> at <paramref name="node"/> becomes: through the awaiting finally blocks it leaves, to <paramref name="labelName"/>.</summary>
    public string GotoLabel(StatementSyntax node, LabeledStatementSyntax label, string labelName) =>
        Through(Crossed(node, label), $"goto {labelName};");

    /// <summary>
    /// The exit (its number in <paramref name="entered"/>'s branch field) that the finally block of
    /// <paramref name="entered"/> takes when Dispose entered it: on, through the awaiting finally blocks around its try
    /// (innermost first, each entered the same way), to the machine's completion. Like a <c>return</c> without a
    /// value, except that leaving a finally block from inside (a try inside a finally) reports its rest as skipped.
    /// </summary>
    public int CancelBranch(PendingFinally entered)
    {
        if (entered.CancelBranch is { } known) return known;
        // The innermost awaiting finally around the region entered guards; among the resources of one using
        // declaration (the same start) the one registered first is the outer.
        var index = _awaitingFinallies.IndexOf(entered);
        var next = _awaitingFinallies
            .Where((f, i) => f.Guards(entered.Start) && (f.Start < entered.Start || f.Start == entered.Start && i < index))
            .OrderBy(f => f.Start)
            .LastOrDefault();
        var exit = next is null
            ? "return " + string.Format(readyFormat, "default") + ";"
            : $"{{ {next.BranchField} = {CancelBranch(next)}; goto {GeneratedNames.TryFinallyLabel(next.Id)}; }}";
        var leftInside = _awaitingFinallies
            .Where(f => f.ReportSkippedRest is not null && f.HasInBlock(entered.Start) && (next is null || f.Start > next.Start))
            .OrderByDescending(f => f.Start)
            .Select(f => f.ReportSkippedRest!)
            .ToList();
        if (leftInside.Count > 0) exit = $"{{ {string.Join(" ", leftInside)} {exit} }}";
        entered.Exits.Add(exit);
        entered.CancelBranch = entered.Exits.Count;
        return entered.Exits.Count;
    }

    private string ReturnValueField() =>
        _returnValueField ??= fields.Add(GeneratedNames.Field("returnValue"), resultType, "result of a return waiting for an awaiting finally block");

    /// <summary>The awaiting finally blocks a jump from <paramref name="node"/> to <paramref name="target"/> leaves, outermost first.</summary>
    private List<PendingFinally> Crossed(SyntaxNode node, SyntaxNode? target) =>
        _awaitingFinallies.Where(f => f.Guards(node) && (target is null || !f.Scope.Span.Contains(target.Span)))
            .OrderBy(f => f.Start).ToList();

    /// <summary>Code that runs each crossed finally, innermost first, then <paramref name="exit"/>.</summary>
    private static string Through(List<PendingFinally> crossed, string exit)
    {
        foreach (var @finally in crossed)
        {
            @finally.Exits.Add(exit);
            exit = $"{{ {@finally.BranchField} = {@finally.Exits.Count}; goto {GeneratedNames.TryFinallyLabel(@finally.Id)}; }}";
        }
        return exit;
    }
}
