using Microsoft.CodeAnalysis;
using AsyncGen.Generator.Model;

namespace AsyncGen.Generator.Rewriting;

/// <summary>What an await needs: how the awaited value is driven, the field that holds it, the result type.</summary>
/// <para><c>AnonymousFieldType</c>: the type of the future or awaiter when it is built from an anonymous type
/// (<c>ValueFuture&lt;anon&gt;</c>): <c>FieldType</c> is then its stored type (see <see cref="AnonymousShapes"/>).</para>
internal sealed record AwaitShape(AwaitKind Kind, string FieldType, string? ResultType, IMethodSymbol? EmbeddedMachine, ITypeSymbol? AnonymousFieldType = null);
