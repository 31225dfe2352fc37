using System;
using Microsoft.CodeAnalysis;

namespace AsyncGen.Generator.Rewriting;

/// <summary>
/// Raised while building the body model when a construct cannot be lowered. <see cref="MachineRewriter"/> turns it
/// into AG0005 at <see cref="Node"/>, so it never leaves the generator.
/// </summary>
internal sealed class UnsupportedConstructException(SyntaxNode node, string construct) : Exception(construct)
{
    public SyntaxNode Node { get; } = node;

    public string Construct { get; } = construct;
}
