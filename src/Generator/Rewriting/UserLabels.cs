using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using AsyncGen.Generator.Parsing;

namespace AsyncGen.Generator.Rewriting;

/// <summary>
/// The labels the user wrote in the method's own body, renamed when they are spelled like one the lowering emits
/// (<c>State1</c>, <c>Loop2Break</c>: <see cref="GeneratedNames.IsGeneratedLabel"/>): every label of the body ends up
/// in the same method as the generated ones, where a second <c>State1</c> would not compile (CS0140) or would
/// shadow (CS0158). The user's label gets a trailing underscore (more while that is taken too), like a user local
/// named after a machine helper. Labels inside lambdas and local functions live in their own method and stay.
/// </summary>
internal sealed class UserLabels
{
    private readonly Dictionary<string, string> _renamed = new();

    public UserLabels(SyntaxNode body)
    {
        var declared = new HashSet<string>(body.DescendantNodes(n => n == body || !BodySyntax.IsNestedFunction(n))
            .OfType<LabeledStatementSyntax>().Select(l => l.Identifier.ValueText));
        foreach (var name in declared.Where(GeneratedNames.IsGeneratedLabel).OrderBy(n => n, System.StringComparer.Ordinal))
        {
            var renamed = name + "_";
            while (declared.Contains(renamed) || _renamed.ContainsValue(renamed)) renamed += "_";
            _renamed[name] = renamed;
        }
    }

    /// <summary>The name label <paramref name="name"/> of the body has in generated code.</summary>
    public string NameOf(string name) => _renamed.TryGetValue(name, out var renamed) ? renamed : name;
}
