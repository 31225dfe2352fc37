using System;
using Microsoft.CodeAnalysis;

namespace AsyncGen.Generator.Parsing;

/// <summary>
/// Raised while building the body model when a construct cannot be lowered. The parser turns it into AG0005 at
/// <see cref="Node"/>, so it never leaves the generator.
/// </summary>
internal sealed class UnsupportedConstructException(SyntaxNode node, string construct) : Exception(construct)
{
    public SyntaxNode Node { get; } = node;

    public string Construct { get; } = construct;
}

/// <summary>Raised for a ref or ref-struct variable alive across an await (AG0003).</summary>
internal sealed class RefLikeAcrossAwaitException(SyntaxNode node, string name, string type) : Exception(name)
{
    public SyntaxNode Node { get; } = node;

    public string Name { get; } = name;

    public string Type { get; } = type;
}
