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

    /// <summary>Try statements whose finally awaits: jumps out of them are not supported yet.</summary>
    public HashSet<TryStatementSyntax> AwaitingFinallies { get; } = new();
}
