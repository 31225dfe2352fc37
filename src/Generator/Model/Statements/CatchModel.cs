namespace AsyncGen.Generator.Model;

/// <summary>
/// A catch clause: <c>Declaration</c> is the text after <c>catch</c> (type and variable, empty for a catch-all),
/// <c>Filter</c> the condition of its <c>when</c> clause (null: none). With an await in the body, the handler only
/// records the exception and <c>Body</c> runs after the try.
/// </summary>
internal sealed record CatchModel(string Declaration, string? Filter, int Line, BlockStmt Body, bool HasAwait, string CaughtVariable);
