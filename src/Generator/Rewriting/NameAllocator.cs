using System.Collections.Generic;
using System.Globalization;

namespace AsyncGen.Generator.Rewriting;

/// <summary>Hands out identifiers that collide with nothing the user or the generator already named.</summary>
internal sealed class NameAllocator
{
    private readonly HashSet<string> _taken = new();

    public void Reserve(string name) => _taken.Add(name);

    public bool IsTaken(string name) => _taken.Contains(name);

    /// <summary><paramref name="preferred"/> if free, else <c>preferred2</c>, <c>preferred3</c>...</summary>
    public string Allocate(string preferred)
    {
        var name = preferred;
        for (var i = 2; !_taken.Add(name); i++) name = preferred + i.ToString(CultureInfo.InvariantCulture);
        return name;
    }
}
