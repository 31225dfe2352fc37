public sealed class Splitter(string text)
{
    public void Deconstruct(out string head, out string tail)
    {
        var comma = text.IndexOf(',');
        head = text[..comma];
        tail = text[(comma + 1)..];
    }
}

public enum Shade { Light, Dark, Unknown }

public sealed record Shape(string Kind, int Size);

public static partial class P_DeconstructTupleAcrossAwait
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var (count, label) = (3, "items");
        await Ops.Yield();
        return count + " " + label;
    }
}

public static partial class P_DeconstructAwaitedTuple
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var (number, word) = await Ops.Value((7, "seven"));
        await Ops.Yield();
        return word + "=" + number;
    }
}

public static partial class P_DeconstructIntoExistingLocals
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        int left = 0, right = 0;
        (left, right) = (await Ops.Value(1), await Ops.Value(2));
        (left, right) = (right, left);
        await Ops.Yield();
        return left + "," + right;
    }
}

public static partial class P_DeconstructUserType
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var (head, tail) = new Splitter(await Ops.Value("first,rest"));
        await Ops.Yield();
        return head + "|" + tail;
    }
}

public static partial class P_DeconstructNotUsedAfterAwait
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var (a, b) = (2, 3);
        log.Add("product " + a * b);
        await Ops.Yield();
        return "done";
    }
}

public static partial class P_IsPatternUsedAfterAwait
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        object boxed = await Ops.Value<object>("text");
        if (boxed is string s)
        {
            await Ops.Yield();
            return "string of " + s.Length;
        }
        return "other";
    }
}

public static partial class P_IsPatternBeforeAwaitOnly
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        object boxed = 12;
        var description = boxed is int n && n > 10 ? "big " + n : "small";
        await Ops.Yield();
        return description;
    }
}

public static partial class P_SwitchStatementTypePatterns
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var results = "";
        foreach (var item in new object[] { 5, "hi", 2.5, 20 })
        {
            switch (item)
            {
                case int small when small < 10:
                    results += "small" + await Ops.Value(small) + " ";
                    break;
                case int big:
                    await Ops.Yield();
                    results += "big" + big + " ";
                    break;
                case string text:
                    results += "text" + text + " ";
                    break;
                default:
                    results += "other ";
                    break;
            }
        }
        return results.Trim();
    }
}

public static partial class P_SwitchExpressionOnAwaitedValue
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var words = "";
        foreach (var n in new[] { -4, 0, 9 })
        {
            words += await Ops.Value(n) switch
            {
                < 0 => "negative ",
                0 => "zero ",
                _ => "positive ",
            };
        }
        return words.Trim();
    }
}

public static partial class P_PropertyPatternOnAwaited
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var shape = await Ops.Value(new Shape("square", 4));
        if (shape is { Kind: "square", Size: > 3 })
        {
            await Ops.Yield();
            log.Add("large square");
        }
        return shape.Kind switch { "square" => "four sides", "triangle" => "three", _ => "?" };
    }
}

public static partial class P_RelationalLogicalPatterns
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var text = "";
        for (var i = 0; i < 12; i += 3)
        {
            var value = await Ops.Value(i);
            text += value is >= 1 and <= 5 or 9 ? "in " : "out ";
        }
        return text.Trim();
    }
}

public static partial class P_ListPatternNoVariables
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var numbers = await Ops.Value(new[] { 1, 2, 3 });
        var first = numbers is [1, ..] ? "starts with one" : "no";
        await Ops.Yield();
        return first + (numbers is [_, _, 3] ? ", ends with three" : "");
    }
}

public static partial class P_ListPatternVariableAfterAwait
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var numbers = new[] { 4, 5, 6 };
        if (numbers is [var head, .., var last])
        {
            await Ops.Yield();
            return head + "…" + last;
        }
        return "empty";
    }
}

public static partial class P_NotNullPatternGuard
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        string? maybe = await Ops.Value<string?>(null);
        if (maybe is not null) return "unexpected";
        maybe = await Ops.Value<string?>("now set");
        if (maybe is not null)
        {
            await Ops.Yield();
            return maybe;
        }
        return "still null";
    }
}

public static partial class P_TupleSwitchExpression
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var answers = "";
        foreach (var (a, b) in new[] { (1, 1), (1, 2), (0, 5) })
        {
            log.Add("pair " + a + b);
            answers += (a, b) switch
            {
                (1, 1) => "same ",
                (1, _) => "one-first ",
                _ => "other ",
            };
        }
        await Ops.Yield();
        return answers.Trim();
    }
}

public static partial class P_EnumSwitchStatement
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var text = "";
        foreach (var shade in new[] { Shade.Dark, Shade.Light, Shade.Unknown })
        {
            switch (shade)
            {
                case Shade.Light:
                    text += await Ops.Value("L");
                    break;
                case Shade.Dark:
                    await Ops.Yield();
                    text += "D";
                    break;
                default:
                    text += "?";
                    break;
            }
        }
        return text;
    }
}

public static partial class P_ForEachDeconstructWithAwait
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var pairs = new Dictionary<string, int> { ["a"] = 1, ["b"] = 2 };
        var text = "";
        foreach (var (key, value) in pairs)
        {
            text += key + await Ops.Value(value * 10);
        }
        return text;
    }
}
