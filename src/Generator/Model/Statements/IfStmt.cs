namespace AsyncGen.Generator.Model;

/// <summary><c>if</c> whose branches contain awaits.</summary>
internal sealed record IfStmt(string Condition, int Line, BlockStmt Then, BlockStmt? Else) : Stmt;
