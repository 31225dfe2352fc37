namespace AsyncGen.Generator.Model;

/// <summary>A finally block; <c>Id</c> names its method (<c>Finally{Id}</c>) when it has no await.</summary>
internal sealed record FinallyModel(int Id, BlockStmt Body, bool HasAwait);
