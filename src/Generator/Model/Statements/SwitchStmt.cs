namespace AsyncGen.Generator.Model;

/// <summary>A <c>switch</c> statement whose sections contain awaits; sections end in gotos.</summary>
internal sealed record SwitchStmt(string Expression, int Line, EquatableArray<SwitchSectionModel> Sections, string BreakLabel) : Stmt;
