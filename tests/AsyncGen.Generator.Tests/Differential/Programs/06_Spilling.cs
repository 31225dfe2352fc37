public static class Trace
{
    public static T Value<T>(List<string> log, string label, T value)
    {
        log.Add("eval " + label);
        return value;
    }

    public static string Join(string a, int b, string c) => a + b + c;
}

public static partial class P_SpillArguments
{
    [PollAsync]
    public static async Future<string> Run(List<string> log) =>
        Trace.Join(Trace.Value(log, "a", "A"), await Ops.Value(Trace.Value(log, "b", 2)), Trace.Value(log, "c", "C"));
}

public static partial class P_CompoundAssignment
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var x = 10;
        x += await Bump(log);
        log.Add("x " + x);
        var s = "s";
        s += await Ops.Value("t");
        return x + s;
    }

    [PollAsync]
    private static async Future<int> Bump(List<string> log)
    {
        await Ops.Yield();
        log.Add("bump");
        return 5;
    }
}

public static partial class P_Conditional
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var text = "";
        foreach (var flag in new[] { true, false })
        {
            text += flag ? await Ops.Value("yes") : await Ops.Value("no");
            text += (await Ops.Value(flag)) ? "1" : "0";
            log.Add(text);
        }
        return text;
    }
}

public static partial class P_AndOr
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var text = "";
        foreach (var flag in new[] { true, false })
        {
            var and = flag && await Check(log, "and");
            var or = flag || await Check(log, "or");
            text += and + "/" + or + " ";
        }
        return text;
    }

    [PollAsync]
    private static async Future<bool> Check(List<string> log, string what)
    {
        await Ops.Yield();
        log.Add("check " + what);
        return true;
    }
}

public static partial class P_Coalesce
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        string? missing = null;
        string? present = "here";
        var a = missing ?? await Ops.Value("fallback");
        var b = present ?? await Ops.Value("unused");
        int? none = null;
        var c = none ?? await Ops.Value(7);
        log.Add(a + b + c);
        return a + b + c;
    }
}

public sealed class Pair
{
    public int A { get; set; }
    public string B { get; set; } = "";
    public List<int> Items { get; } = new();
}

public static partial class P_ObjectInitializer
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var pair = new Pair { A = Trace.Value(log, "a", 1), B = await Ops.Value("bee"), Items = { 5 } };
        log.Add(pair.A + pair.B + pair.Items.Count);
        return pair.B;
    }
}

public static partial class P_CollectionInitializer
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var list = new List<int> { Trace.Value(log, "first", 1), await Ops.Value(2), 3 };
        var map = new Dictionary<string, int> { { "x", await Ops.Value(9) }, { "y", 8 } };
        var indexed = new Dictionary<string, int> { ["z"] = await Ops.Value(1) };
        log.Add(string.Join(",", list));
        return string.Join(",", list) + map["x"] + map["y"] + indexed["z"];
    }
}

public static partial class P_Interpolation
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var pi = 3.14159;
        return $"{Trace.Value(log, "a", "A")}-{await Ops.Value(42),5}-{pi:F2}-{Trace.Value(log, "c", "C")}";
    }
}

public static partial class P_BinaryOrder
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var n = Trace.Value(log, "left", 1) + await Ops.Value(Trace.Value(log, "middle", 2)) * Trace.Value(log, "right", 3);
        return n.ToString();
    }
}

public static partial class P_ElementAccess
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var array = new int[3];
        array[await Ops.Value(1)] = await Ops.Value(5);
        array[Trace.Value(log, "index", 2)] += await Ops.Value(7);
        log.Add(string.Join(",", array));
        return array[await Ops.Value(1)].ToString();
    }
}

public static partial class P_ArrayCreation
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var numbers = new[] { Trace.Value(log, "one", 1), await Ops.Value(2) };
        var words = new string[] { await Ops.Value("x"), "y" };
        return numbers.Sum() + string.Concat(words);
    }
}

public static partial class P_MethodChain
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var length = (await Ops.Value("abc")).ToUpperInvariant().Length;
        log.Add("len " + length);
        return (await Ops.Value("xyz")).Substring(await Ops.Value(1));
    }
}

public static partial class P_NestedAwaits
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var v = await Ops.Value(await Ops.Value(2) + await Ops.Value(3));
        log.Add("v " + v);
        return v.ToString();
    }
}

public static partial class P_TupleDeconstruction
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var (a, b) = (await Ops.Value(1), await Ops.Value("two"));
        log.Add(a + b);
        return b + a;
    }
}

public static partial class P_AwaitInArgumentsOfNew
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var text = new string(await Ops.Value('z'), await Ops.Value(3));
        var exception = new InvalidOperationException(Trace.Value(log, "msg", "m") + await Ops.Value("!"));
        return text + exception.Message;
    }
}

public static partial class P_IsPattern
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        object boxed = 5;
        if (await Ops.Value(boxed) is int n && n > 3)
        {
            log.Add("big " + n);
        }
        return (await Ops.Value<object>("s") is string).ToString();
    }
}

public static partial class P_SwitchExpressionArms
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var text = "";
        foreach (var n in new[] { 1, 2, 7, 40 })
        {
            text += n switch
            {
                1 => "one",
                2 => await Ops.Value("two"),
                < 10 when n % 2 == 1 => await Ops.Value("odd") + n,
                _ => "big",
            } + " ";
            log.Add(text);
        }
        return text;
    }
}

public static partial class Extensions
{
    [PollAsync]
    public static async Future<string> Shout(this string text)
    {
        await Ops.Yield();
        return text.ToUpperInvariant() + "!";
    }
}

public static partial class P_ExtensionMethod
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var loud = await "hey".Shout();
        log.Add(loud);
        return loud;
    }
}

public static partial class P_GotoOutOfTry
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var attempts = 0;
    retry:
        attempts++;
        try
        {
            log.Add("try:attempt");
            await Ops.Yield();
            if (attempts < 3) goto retry;
        }
        finally
        {
            log.Add("finally:attempt");
        }
        return "attempts " + attempts;
    }
}
