namespace AsyncGen.Generator.Model;

/// <summary>A user label or a lowering label.</summary>
internal sealed record LabelStmt(string Name) : Stmt;
