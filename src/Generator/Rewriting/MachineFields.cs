using System.Collections.Generic;
using AsyncGen.Generator.Model;

namespace AsyncGen.Generator.Rewriting;

/// <summary>
/// The fields rewriting adds to the machine (await fields, spilled values, pending exceptions and branches), in
/// the order they are created, and the allocator that keeps every generated name clear of the user's.
/// </summary>
internal sealed class MachineFields
{
    public NameAllocator Names { get; } = new();

    public List<FieldSpec> Synthesized { get; } = new();

    /// <summary>Adds a field named <paramref name="preferred"/> (or <c>preferred2</c>, ... when taken) and returns its name.</summary>
    public string Add(string preferred, string type, string comment)
    {
        var field = Names.Allocate(preferred);
        Synthesized.Add(new FieldSpec(field, type, comment));
        return field;
    }
}
