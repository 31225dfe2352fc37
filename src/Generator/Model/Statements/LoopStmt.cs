namespace AsyncGen.Generator.Model;

/// <summary>
/// Every loop: <c>continue</c> jumps to <c>ContinueLabel</c> (before the increment or the bottom test),
/// <c>break</c> to <c>BreakLabel</c>. A null condition loops forever (the body tests and breaks).
/// </summary>
internal sealed record LoopStmt(
    string? Condition, int Line, BlockStmt Body, BlockStmt Increment, bool TestAtEnd,
    string TopLabel, string ContinueLabel, string BreakLabel) : Stmt;
