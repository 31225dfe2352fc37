namespace AsyncGen.Generator.Model;

/// <summary>One switch section: its case labels as written and its body.</summary>
internal sealed record SwitchSectionModel(EquatableArray<string> Labels, BlockStmt Body);
