using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AsyncGen.Generator.Rewriting;

/// <summary>
/// A finally block that awaits, so it runs as code after its try: a jump leaving the try records which exit it
/// takes in <see cref="BranchField"/> and goes to the finally; the code after the finally takes that exit.
/// </summary>
/// <remarks><c>Scope</c> is the statement whose try it is (try, using, or the block of a using declaration);
/// <c>Start</c> is where the guarded region starts inside it.</remarks>
internal sealed record PendingFinally(int Id, string BranchField, SyntaxNode Scope, int Start, BlockSyntax? FinallyBlock)
{
    /// <summary>Code of each exit, numbered from 1: run after the finally block completes normally.</summary>
    public List<string> Exits { get; } = new();

    public bool Guards(SyntaxNode node) =>
        Scope.Span.Contains(node.Span) && node.SpanStart >= Start && FinallyBlock?.Span.Contains(node.Span) != true;
}
