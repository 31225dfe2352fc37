namespace AsyncGen.Generator.Model;

/// <summary>A field of the machine: a local alive across an await, a spilled temporary, a pending exception.</summary>
internal sealed record FieldSpec(string Name, string Type, string Comment);
