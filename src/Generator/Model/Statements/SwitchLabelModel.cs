namespace AsyncGen.Generator.Model;

/// <summary>
/// One label of a flattened switch. Without <see cref="Test"/>, <see cref="Text"/> is the label as written
/// (<c>case 1:</c>, <c>case int n when n &gt; 0:</c>, <c>default:</c>) and a C# switch tests it. With one (its
/// <c>when</c> clause awaits, which a C# switch cannot run), the lowering tests it itself: <see cref="Text"/> is then
/// the condition that matches the pattern and stores its variables (<c>_switch1 is int n &amp;&amp; Hoist(out _n, n)</c>),
/// after which the guard's statements run and its condition decides. <see cref="Line"/> is the label's source line.
/// </summary>
internal sealed record SwitchLabelModel(string Text, int Line, LabelTestModel? Test);
