using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AsyncGen.Generator.Parsing;

/// <summary>
/// What the body builder has flattened so far, which the rewriter needs for jumps written by the user:
/// a <c>break</c> out of a flattened loop becomes a goto to its label, <c>throw;</c> in a catch block that awaits
/// rethrows the recorded exception.
/// </summary>
internal sealed class JumpTargets
{
    /// <summary>Loops and switches that were flattened, with their break and continue labels.</summary>
    public Dictionary<SyntaxNode, (string Break, string? Continue)> Flattened { get; } = new();

    /// <summary>Catch clauses whose body awaits, with the field holding the caught exception.</summary>
    public Dictionary<CatchClauseSyntax, string> AwaitingCatches { get; } = new();

    /// <summary>Finally blocks that await: a jump out of their try goes through them (Roslyn's pending branch).</summary>
    public List<PendingFinally> AwaitingFinallies { get; } = new();

    /// <summary>Allocates (once) the field that holds a return value while awaiting finally blocks run.</summary>
    public System.Func<string>? ReturnValueField { get; set; }
}

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
