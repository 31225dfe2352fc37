namespace AsyncGen.Generator.Model;

/// <summary>
/// A <c>try</c> that contains an await. Catch and finally blocks without awaits stay C# handlers; those with
/// awaits run after the <c>try</c> (<see cref="CatchModel.HasAwait"/>, <see cref="FinallyModel.HasAwait"/>).
/// <c>ExceptionField</c> holds the exception caught for an awaiting catch or finally;
/// <c>CatchIndexField</c> says which awaiting catch caught it (0: none). A jump out of a try whose finally
/// awaits stores its exit number in <c>BranchField</c>; <c>PendingExits</c> holds the code of each exit.
/// <c>CancelEntryId</c>: the <see cref="CancelEntry"/> through which Dispose runs its awaiting finally block, if any.
/// </summary>
internal sealed record TryStmt(
    int Id, int Line, BlockStmt Body, EquatableArray<CatchModel> Catches, FinallyModel? Finally,
    string? ExceptionField, string? CatchIndexField, string? BranchField = null, EquatableArray<string> PendingExits = default,
    int? CancelEntryId = null) : Stmt;
