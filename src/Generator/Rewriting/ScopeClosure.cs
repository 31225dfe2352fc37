using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using AsyncGen.Generator.Model;

namespace AsyncGen.Generator.Rewriting;

/// <summary>
/// While rewriting: the closure of a block inside a loop that awaits (<see cref="ScopeClosureSpec"/> once done).
/// The body reaches its variables through the machine's field (<c>_closure2.copy</c>); each lambda is created by a
/// wrapper that receives the current instance as <c>Parameter</c> (<c>closure2.copy</c>), so lambdas of earlier
/// iterations keep their own variables, as in C#.
/// </summary>
internal sealed class ScopeClosure(SyntaxNode scope, string type, string field, string parameter)
{
    private readonly HashSet<string> _members = new();

    public SyntaxNode Scope { get; } = scope;

    public string Type { get; } = type;

    public string Field { get; } = field;

    public string Parameter { get; } = parameter;

    public List<FieldSpec> Fields { get; } = new();

    /// <summary>Adds a member for <paramref name="name"/> (unique within this class) and returns its name.</summary>
    public string Add(string name, string type, string comment)
    {
        var member = name;
        for (var i = 2; !_members.Add(member); i++) member = name + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Fields.Add(new FieldSpec(member, type, comment));
        return member;
    }
}
