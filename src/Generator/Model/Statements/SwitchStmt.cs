namespace AsyncGen.Generator.Model;

/// <summary>
/// A <c>switch</c> statement whose sections or labels contain awaits (or a switch expression whose arm guards do);
/// sections end in gotos. <see cref="Expression"/> is the value switched on, a field when labels are tested apart
/// (it is evaluated once and read again after each awaiting guard).
/// </summary>
internal sealed record SwitchStmt(string Expression, int Line, EquatableArray<SwitchSectionModel> Sections, string BreakLabel) : Stmt;
