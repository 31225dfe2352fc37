namespace AsyncGen.Generator.Model;

/// <summary>One switch section: its case labels in source order and its body.</summary>
internal sealed record SwitchSectionModel(EquatableArray<SwitchLabelModel> Labels, BlockStmt Body);
