namespace AsyncGen.Generator.Model;

// The parser's output for a method body: user statements already rewritten to machine terms (locals alive
// across awaits read as fields, awaits spilled out of expressions), but control flow still structured. Lowering
// flattens what contains an await into labels and gotos; statements without an await stay verbatim CodeStmts.

/// <summary>One statement of the body model.</summary>
internal abstract record Stmt;

/// <summary>C# text that contains no await; <c>Line</c> is its 1-based source line (0: synthesized).</summary>
internal sealed record CodeStmt(string Text, int Line) : Stmt;

/// <summary>A suspension point; <see cref="AwaitSite"/> <c>State</c> says what is awaited.</summary>
internal sealed record AwaitStmt(int State) : Stmt;

/// <summary>A sequence of statements.</summary>
internal sealed record BlockStmt(EquatableArray<Stmt> Statements) : Stmt;

/// <summary><c>if</c> whose branches contain awaits.</summary>
internal sealed record IfStmt(string Condition, int Line, BlockStmt Then, BlockStmt? Else) : Stmt;

/// <summary>
/// Every loop: <c>continue</c> jumps to <c>ContinueLabel</c> (before the increment or the bottom test),
/// <c>break</c> to <c>BreakLabel</c>. A null condition loops forever (the body tests and breaks).
/// </summary>
internal sealed record LoopStmt(
    string? Condition, int Line, BlockStmt Body, BlockStmt Increment, bool TestAtEnd,
    string TopLabel, string ContinueLabel, string BreakLabel) : Stmt;

/// <summary>A user label or a lowering label.</summary>
internal sealed record LabelStmt(string Name) : Stmt;

/// <summary>A <c>switch</c> statement whose sections contain awaits; sections end in gotos.</summary>
internal sealed record SwitchStmt(string Expression, int Line, EquatableArray<SwitchSectionModel> Sections, string BreakLabel) : Stmt;

/// <summary>One switch section: its case labels as written and its body.</summary>
internal sealed record SwitchSectionModel(EquatableArray<string> Labels, BlockStmt Body);

/// <summary>
/// A <c>try</c> that contains an await. Catch and finally blocks without awaits stay C# handlers; those with
/// awaits run after the <c>try</c> (<see cref="CatchModel.HasAwait"/>, <see cref="FinallyModel.HasAwait"/>).
/// <c>ExceptionField</c> holds the exception caught for an awaiting catch or finally;
/// <c>CatchIndexField</c> says which awaiting catch caught it (0: none). A jump out of a try whose finally
/// awaits stores its exit number in <c>BranchField</c>; <c>PendingExits</c> holds the code of each exit.
/// </summary>
internal sealed record TryStmt(
    int Id, int Line, BlockStmt Body, EquatableArray<CatchModel> Catches, FinallyModel? Finally,
    string? ExceptionField, string? CatchIndexField, string? BranchField = null, EquatableArray<string> PendingExits = default) : Stmt;

/// <summary>
/// A catch clause. <c>Header</c> is the text after <c>catch</c> (type, variable, filter). With an
/// await in the body, the handler only records the exception and <c>Body</c> runs after the try.
/// </summary>
internal sealed record CatchModel(string Header, int Line, BlockStmt Body, bool HasAwait, string CaughtVariable);

/// <summary>A finally block; <c>Id</c> names its method (<c>Finally{Id}</c>) when it has no await.</summary>
internal sealed record FinallyModel(int Id, BlockStmt Body, bool HasAwait);
