namespace AsyncGen.Generator.Model;

// The rewriter's output for a method body: user statements already rewritten to machine terms (locals alive
// across awaits read as fields, awaits spilled out of expressions), but control flow still structured. Lowering
// flattens what contains an await into labels and gotos; statements without an await stay verbatim CodeStmts.

/// <summary>One statement of the body model.</summary>
internal abstract record Stmt;
