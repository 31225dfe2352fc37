namespace AsyncGen.Generator.Model;

/// <summary>A sequence of statements.</summary>
internal sealed record BlockStmt(EquatableArray<Stmt> Statements) : Stmt;
