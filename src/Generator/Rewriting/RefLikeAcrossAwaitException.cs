using System;
using Microsoft.CodeAnalysis;

namespace AsyncGen.Generator.Rewriting;

/// <summary>Raised for a ref or ref-struct variable alive across an await (AG0003).</summary>
internal sealed class RefLikeAcrossAwaitException(SyntaxNode node, string name, string type) : Exception(name)
{
    public SyntaxNode Node { get; } = node;

    public string Name { get; } = name;

    public string Type { get; } = type;
}
