namespace AsyncGen.Generator.Model;

/// <summary>C# text that contains no await; <c>Line</c> is its 1-based source line (0: synthesized).</summary>
internal sealed record CodeStmt(string Text, int Line) : Stmt;
