namespace AsyncGen.Generator.Model;

/// <summary>A suspension point; <see cref="AwaitSite"/> <c>State</c> says what is awaited.</summary>
internal sealed record AwaitStmt(int State) : Stmt;
