// Awaits in the 'when' clause of a case label or of a switch expression arm, as a newcomer writes them: a lookup
// that decides which section runs. C# tests the labels in source order (pattern, then guard; default last wherever
// it is written), evaluates the switched value once, and an exception from a guard leaves the switch.

public static partial class Guards
{
    /// <summary>Suspends when the number is odd, completes at once when it is even: both kinds of await in one guard.</summary>
    [PollAsync]
    public static async Future<bool> IsAllowed(int n, List<string> log)
    {
        log.Add("check " + n);
        if (n % 2 != 0) await Ops.Yield();
        return n < 10;
    }

    [PollAsync]
    public static async Future<bool> Refuses(string name, List<string> log)
    {
        log.Add("refuses? " + name);
        await Ops.Yield();
        if (name == "boom") throw new InvalidOperationException("guard failed for " + name);
        return name.StartsWith("x", StringComparison.Ordinal);
    }

    public static int Counted(int value, List<string> log)
    {
        log.Add("switched on " + value);
        return value;
    }
}

public static partial class P_CaseWhenAwaitInLoop
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var results = new List<string>();
        foreach (var n in new[] { 1, 4, 12, 7, 15, -2 })
        {
            switch (n)
            {
                case < 0:
                    results.Add("negative");
                    continue;
                case int small when await Guards.IsAllowed(small, log):
                    results.Add("allowed " + small);
                    break;
                case > 10 when n % 5 == 0:
                    results.Add("big multiple of five " + n);
                    break;
                default:
                    results.Add("refused " + n);
                    break;
            }
            log.Add("after " + n);
        }
        return string.Join(", ", results);
    }
}

public static partial class P_CaseWhenAwaitDefaultWrittenFirst
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var text = "";
        foreach (var item in new object[] { "xavier", "bob", 3, 2.5 })
        {
            switch (item)
            {
                default:
                    text += "[default " + item + "]";
                    break;
                case string name when await Guards.Refuses(name, log):
                    text += "[refused " + name + "]";
                    break;
                case string name:
                    text += "[welcome " + name + "]";
                    break;
                case int number when await Task.FromResult(number > 2):
                    text += "[number " + number + "]";
                    break;
            }
        }
        return text;
    }
}

public static partial class P_CaseWhenGuardThrows
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var seen = new List<string>();
        foreach (var name in new[] { "ann", "boom", "xena" })
        {
            try
            {
                log.Add("try:" + name);
                switch (name)
                {
                    case "ann" when await Guards.Refuses(name, log):
                        seen.Add("ann refused");
                        break;
                    case var other when await Guards.Refuses(other, log):
                        seen.Add(other + " refused");
                        break;
                    default:
                        seen.Add(name + " ok");
                        break;
                }
            }
            catch (InvalidOperationException e)
            {
                seen.Add("caught: " + e.Message);
            }
            finally
            {
                log.Add("finally:" + name);
            }
        }
        return string.Join("; ", seen);
    }
}

public static partial class P_CaseWhenSwitchedValueEvaluatedOnce
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var text = "";
        for (var i = 0; i < 4; i++)
        {
            switch (Guards.Counted(i * 3, log))
            {
                case 0:
                    text += "zero ";
                    break;
                case var v when await Guards.IsAllowed(v, log):
                    text += "allowed " + v + " ";
                    break;
                case 9:
                    text += "nine ";
                    break;
                case var v when v > 5 && await Ops.Value(true):
                    text += "late " + v + " ";
                    break;
            }
        }
        return text.Trim();
    }
}

public static partial class P_CaseWhenMultipleLabelsAndGotoCase
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var text = "";
        foreach (var code in new[] { 1, 2, 3, 8, 20 })
        {
            switch (code)
            {
                case 1:
                case int c when await Guards.IsAllowed(c * 4, log):
                    text += "low(" + code + ")";
                    if (code == 2) goto case 20;
                    break;
                case 3:
                    text += "three";
                    goto default;
                case 20:
                    text += "twenty";
                    break;
                default:
                    text += "default(" + code + ")";
                    break;
            }
            text += " ";
        }
        return text.Trim();
    }
}

public static partial class P_CaseWhenNestedSwitches
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var text = "";
        foreach (var (kind, size) in new[] { ("box", 3), ("box", 30), ("bag", 5), ("bag", 6), ("tin", 1) })
        {
            switch (kind)
            {
                case "box" when await Ops.Value(size < 10):
                    switch (size)
                    {
                        case int s when await Guards.IsAllowed(s, log):
                            text += "small box " + s + "; ";
                            break;
                        default:
                            text += "odd box; ";
                            break;
                    }
                    break;
                case "bag":
                    text += (size switch
                    {
                        int s when await Guards.IsAllowed(s, log) => "allowed bag " + s,
                        _ => "heavy bag",
                    }) + "; ";
                    break;
                default:
                    text += "other " + kind + "; ";
                    break;
            }
        }
        return text.Trim();
    }
}

public static partial class P_CaseWhenInsideUsingAndFinally
{
    private sealed class Lease(string name, List<string> log) : IDisposable
    {
        public void Dispose() => log.Add("finally:" + name);
    }

    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var text = "";
        for (var round = 0; round < 3; round++)
        {
            log.Add("try:lease" + round);
            using (new Lease("lease" + round, log))
            {
                switch (round)
                {
                    case int r when await Guards.IsAllowed(r + 1, log) && r == 0:
                        text += "first ";
                        break;
                    case 1 when await Ops.Value(false):
                        text += "never ";
                        break;
                    case var r:
                        try
                        {
                            log.Add("try:inner" + r);
                            if (await Ops.Value(r == 2)) break;
                            text += "inner " + r + " ";
                        }
                        finally
                        {
                            log.Add("finally:inner" + r);
                        }
                        break;
                }
            }
        }
        return text.Trim();
    }
}

public static partial class P_CaseWhenVariableAfterTheGuardsAwait
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var text = "";
        foreach (var value in new object[] { "hi", "hello", 5, (3, "pair") })
        {
            switch (value)
            {
                case string s when await Ops.Value(s.Length) > 2 && s.StartsWith("h", StringComparison.Ordinal):
                    text += "long greeting " + s + "; ";
                    break;
                case (int count, string label) when await Ops.Value(count) == 3:
                    text += label + " of " + count + "; ";
                    break;
                case int n when n > await Ops.Value(1):
                    await Ops.Yield();
                    text += "number " + n + "; ";
                    break;
                case var other:
                    text += "other " + other + "; ";
                    break;
            }
        }
        return text.Trim();
    }
}

public static partial class P_CaseWhenNoMatchFallsThroughToBreak
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var count = 0;
        for (var i = 0; i < 6; i++)
        {
            switch (i)
            {
                case int even when i % 2 == 0 && await Guards.IsAllowed(even, log):
                    count += 10;
                    break;
                case 3 when await Task.FromResult(true):
                    count += 100;
                    break;
            }
            if (i == 4) break;
        }
        return "count " + count;
    }
}

public static partial class P_SwitchExpressionArmWhenAwaits
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var text = "";
        foreach (var value in new object[] { 3, 14, "xylophone", "apple", 2.5 })
        {
            var description = value switch
            {
                int n when await Guards.IsAllowed(n, log) => "allowed " + n,
                int n => "too big " + await Ops.Value(n),
                string s when await Guards.Refuses(s, log) => "refused " + s,
                string s when s.Length > 3 => "long " + s,
                _ => "something else",
            };
            text += description + "; ";
        }
        return text.Trim();
    }
}

public static partial class P_SwitchExpressionArmWhenAwaitsNoMatchThrows
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var text = "";
        foreach (var n in new[] { 1, 2, 3 })
        {
            try
            {
                text += n switch
                {
                    1 => "one",
                    var x when await Guards.IsAllowed(x * 5, log) => "allowed",
                } + " ";
            }
            catch (System.Runtime.CompilerServices.SwitchExpressionException e)
            {
                text += "unmatched " + e.UnmatchedValue + " ";
            }
        }
        return text.Trim();
    }
}

public static partial class P_SwitchExpressionGuardThrowsAndArmThrows
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var text = "";
        foreach (var name in new[] { "xo", "boom", "plain", "" })
        {
            try
            {
                text += await Ops.Value(name) switch
                {
                    "" => throw new ArgumentException("empty name"),
                    var s when await Guards.Refuses(s, log) => "refused " + s,
                    var s => "kept " + s,
                } + "; ";
            }
            catch (Exception e)
            {
                text += e.GetType().Name + ": " + e.Message + "; ";
            }
        }
        return text.Trim();
    }
}

public static partial class P_CaseWhenConstantsEnumsAndNull
{
    private const int Limit = 4;

    private enum Color { Red, Green, Blue }

    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var text = "";
        foreach (var n in new[] { 5, 6, 0 })
        {
            switch (n)
            {
                case Limit + 1 when await Guards.IsAllowed(n, log):
                    text += "limit+1 ";
                    break;
                case Limit * 2 - 2 when await Ops.Value(true):
                    text += "limit*2-2 ";
                    break;
                default:
                    text += "other ";
                    break;
            }
        }
        foreach (var color in new[] { Color.Green, Color.Blue })
        {
            text += color switch
            {
                Color.Red => "red ",
                Color.Green when await Ops.Value(color.ToString().Length) == 5 => "green ",
                _ => "blue ",
            };
        }
        foreach (var word in new[] { null, "x" })
        {
            switch (word)
            {
                case null when await Ops.Value(true):
                    text += "null ";
                    break;
                case { Length: 1 } when await Ops.Value(word == "x"):
                    text += "one letter ";
                    break;
            }
        }
        return text.Trim();
    }
}

public static partial class P_CaseWhenVariablesCapturedByLambdasInALoop
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var later = new List<Func<string>>();
        foreach (var item in new object[] { "ann", 7, "bo", 40 })
        {
            switch (item)
            {
                case string name when await Ops.Value(name.Length > 2):
                    later.Add(() => "long name " + name);
                    break;
                case int number when await Guards.IsAllowed(number, log):
                    later.Add(() => "allowed " + number);
                    await Ops.Yield();
                    break;
                case var other:
                    later.Add(() => "other " + other);
                    break;
            }
        }
        return string.Join(", ", later.Select(f => f()));
    }
}
