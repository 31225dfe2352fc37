using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using AsyncGen.Generator.Model;

namespace AsyncGen.Generator.Parsing;

/// <summary>
/// A <c>[PollAsync]</c> method that passed the checks: its symbols and syntax for rewriting, and
/// <see cref="Header"/>, the machine described without its body. Lives only inside one pipeline transform (it
/// holds symbols and syntax, so it is never cached).
/// </summary>
internal sealed class ParsedMethod(SemanticModel model, IMethodSymbol method, MethodDeclarationSyntax syntax, SyntaxNode body, MachineSpec header)
{
    public SemanticModel Model { get; } = model;

    public IMethodSymbol Method { get; } = method;

    public MethodDeclarationSyntax Syntax { get; } = syntax;

    /// <summary>The block or the arrow clause.</summary>
    public SyntaxNode Body { get; } = body;

    /// <summary>Names, signature and location; no fields, awaits or body yet (<c>Body</c> null).</summary>
    public MachineSpec Header { get; } = header;

    /// <summary>How generated code reads <c>this</c>: null for a static method.</summary>
    public string? ThisAccess => Method.IsStatic ? null : Method.ContainingType.IsValueType ? GeneratedNames.ThisField : GeneratedNames.ThisLocal;

    /// <summary><c>global::AsyncGen.Poll&lt;T&gt;.Ready({0})</c>: completes the machine with a value.</summary>
    public string ReadyFormat => $"global::AsyncGen.Poll<{Header.ResultType}>.Ready({{0}})";
}
