namespace AsyncGen.Generator.Model;

/// <summary>A type enclosing the method: <c>partial class Demo&lt;T&gt;</c> and its constraints.</summary>
internal sealed record ContainingTypeSpec(string Keyword, string Name, string TypeParameters, string Constraints);
