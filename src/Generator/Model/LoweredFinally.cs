namespace AsyncGen.Generator.Model;

/// <summary>A finally block without awaits, as a method called by the C# finally and by Dispose.</summary>
internal sealed record LoweredFinally(int Id, EquatableArray<LoweredLine> Body);
