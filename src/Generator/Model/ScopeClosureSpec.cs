namespace AsyncGen.Generator.Model;

/// <summary>
/// The closure of one block inside a loop that awaits: its variables captured by lambdas, in a class of their own
/// (<c>Type</c>), created anew each time the block starts (C# gives each iteration its own variables) and held in
/// the machine's field <c>Field</c>.
/// </summary>
internal sealed record ScopeClosureSpec(string Type, string Field, EquatableArray<FieldSpec> Fields);
