namespace AsyncGen.Generator.Model;

/// <summary>A parameter of the method, copied into a field by the machine's constructor.</summary>
internal sealed record ParameterSpec(string Name, string Type, string FieldName);
