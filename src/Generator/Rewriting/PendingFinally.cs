using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AsyncGen.Generator.Rewriting;

/// <summary>
/// A finally block that awaits, so it runs as code after its try: a jump leaving the try records which exit it
/// takes in <see cref="BranchField"/> and goes to the finally; the code after the finally takes that exit.
/// </summary>
/// <remarks><c>Scope</c> is the statement whose try it is (try, using, or the block of a using declaration);
/// <c>Start</c> is where the guarded region starts inside it. The branch field is created by the first exit, so a
/// try nobody jumps out of has none (it would be a field assigned and never read).</remarks>
internal sealed class PendingFinally(int id, SyntaxNode scope, int start, BlockSyntax? finallyBlock, Func<string> createBranchField)
{
    private string? _branchField;

    public int Id { get; } = id;

    public SyntaxNode Scope { get; } = scope;

    public int Start { get; } = start;

    /// <summary>Code of each exit, numbered from 1: run after the finally block completes normally.</summary>
    public List<string> Exits { get; } = new();

    /// <summary>The field holding the exit taken (0: fall through), or null while no jump leaves the try.</summary>
    public string? BranchFieldIfCreated => _branchField;

    public string BranchField => _branchField ??= createBranchField();

    /// <summary>
    /// For a user's finally that Dispose runs: the exit its block takes when Dispose entered it (see
    /// <see cref="JumpTable.CancelBranch"/>), once computed.
    /// </summary>
    public int? CancelBranch { get; set; }

    /// <summary>
    /// For a user's finally that Dispose runs: what reports that its rest is skipped when cleanup after a Dispose
    /// leaves it from inside its block (a call of the method reporting the skip), else null.
    /// </summary>
    public string? ReportSkippedRest { get; set; }

    public bool Guards(SyntaxNode node) =>
        Scope.Span.Contains(node.Span) && node.SpanStart >= Start && finallyBlock?.Span.Contains(node.Span) != true;

    /// <summary>True when the guarded region (not the finally block) contains <paramref name="position"/>.</summary>
    public bool Guards(int position) =>
        Scope.Span.Contains(position) && position >= Start && !HasInBlock(position);

    /// <summary>True when <paramref name="position"/> is inside the finally block itself.</summary>
    public bool HasInBlock(int position) => finallyBlock?.Span.Contains(position) == true;
}
