using Microsoft.CodeAnalysis;
using AsyncGen.Generator.Model;

namespace AsyncGen.Generator.Rewriting;

/// <summary>What an await needs: how the awaited value is driven, the field that holds it, the result type.</summary>
internal sealed record AwaitShape(AwaitKind Kind, string FieldType, string? ResultType, IMethodSymbol? EmbeddedMachine);
