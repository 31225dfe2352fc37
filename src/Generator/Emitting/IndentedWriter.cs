using System.Text;

namespace AsyncGen.Generator.Emitting;

/// <summary>A string builder that indents by four spaces per level and writes '\n' line ends on every OS.</summary>
internal sealed class IndentedWriter
{
    private readonly StringBuilder _text = new();

    public int Indent { get; set; }

    public IndentedWriter Line(string text = "")
    {
        if (text.Length > 0) _text.Append(' ', Indent * 4).Append(text);
        _text.Append('\n');
        return this;
    }

    /// <summary>A preprocessor directive: always at column 0.</summary>
    public IndentedWriter Directive(string text)
    {
        _text.Append(text).Append('\n');
        return this;
    }

    public IndentedWriter Open()
    {
        Line("{");
        Indent++;
        return this;
    }

    public IndentedWriter Close(string suffix = "")
    {
        Indent--;
        return Line("}" + suffix);
    }

    public override string ToString() => _text.ToString();
}
