namespace AsyncGen.Generator.Model;

/// <summary>One line of generated method body; <c>SourceLine</c> maps it back to the user's file (0: generated).</summary>
internal sealed record LoweredLine(string Text, int Indent, int SourceLine);
