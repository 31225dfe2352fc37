using System.Collections.Generic;
using AsyncGen.Generator.Model;

namespace AsyncGen.Generator.Lowering;

/// <summary>Collects indented lines of a generated method body.</summary>
internal sealed class LineBuilder
{
    private readonly List<LoweredLine> _lines = new();
    private int _indent;

    public List<LoweredLine> Lines => _lines;

    /// <summary>Adds <paramref name="text"/>, one entry per physical line, mapped from <paramref name="sourceLine"/> on.</summary>
    public void Add(string text, int sourceLine = 0)
    {
        var parts = text.Split('\n');
        for (var i = 0; i < parts.Length; i++)
            _lines.Add(new LoweredLine(parts[i].TrimEnd('\r'), _indent, sourceLine == 0 ? 0 : sourceLine + i));
    }

    /// <summary>A label, written one level out like the C# compiler's own decompiled output reads.</summary>
    public void Label(string name) => _lines.Add(new LoweredLine(name + ": ;", _indent > 0 ? _indent - 1 : 0, 0));

    public void Open()
    {
        Add("{");
        _indent++;
    }

    public void Close(string suffix = "")
    {
        _indent--;
        Add("}" + suffix);
    }
}
