namespace AsyncGen.Generator.Model;

/// <summary>
/// A catch clause. <c>Header</c> is the text after <c>catch</c> (type, variable, filter). With an
/// await in the body, the handler only records the exception and <c>Body</c> runs after the try.
/// </summary>
internal sealed record CatchModel(string Header, int Line, BlockStmt Body, bool HasAwait, string CaughtVariable);
