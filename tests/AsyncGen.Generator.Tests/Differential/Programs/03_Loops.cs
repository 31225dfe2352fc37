public static partial class P_While
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var i = 0;
        while (i < 3)
        {
            await Ops.Yield();
            log.Add("i" + i);
            i++;
        }
        return i.ToString();
    }
}

public static partial class P_WhileAwaitCondition
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var i = 0;
        while (await Ops.Value(i) < 3)
        {
            log.Add("i" + i);
            i++;
        }
        return i.ToString();
    }
}

public static partial class P_DoWhile
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var x = 0;
        do
        {
            x += await Ops.Value(2);
            log.Add("x" + x);
        }
        while (await Ops.Value(x) < 6);
        return x.ToString();
    }
}

public static partial class P_ForBreakContinue
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var sum = 0;
        for (var i = 0; i < 10; i++)
        {
            if (i == 1) continue;
            await Ops.Yield();
            if (i == 3)
            {
                log.Add("continue " + i);
                continue;
            }
            sum += await Ops.Value(i);
            if (sum > 6) break;
            log.Add("sum " + sum);
        }
        return sum.ToString();
    }
}

public static partial class P_ForEachList
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var items = new List<string> { "a", "b", "c" };
        var joined = "";
        foreach (var item in items)
        {
            joined += await Ops.Value(item.ToUpperInvariant());
            log.Add(joined);
        }
        return joined;
    }
}

public static partial class P_ForEachArray
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var total = 0;
        foreach (var n in new[] { 3, 4, 5 })
        {
            await Ops.Yield();
            total += n;
            log.Add("n" + n);
        }
        return total.ToString();
    }
}

public static partial class P_NestedLoops
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var pairs = "";
        for (var i = 0; i < 3; i++)
        {
            for (var j = 0; j < 3; j++)
            {
                if (j > i) break;
                pairs += await Ops.Value($"{i}{j} ");
            }
            log.Add(pairs);
        }
        return pairs;
    }
}

public static partial class P_ForEachBreak
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var seen = "";
        foreach (var c in Letters(log))
        {
            await Ops.Yield();
            if (c == 'c') break;
            seen += c;
        }
        log.Add("after loop");
        return seen;
    }

    private static IEnumerable<char> Letters(List<string> log)
    {
        try
        {
            log.Add("try:letters");
            foreach (var c in "abcdef") yield return c;
        }
        finally
        {
            log.Add("finally:letters");
        }
    }
}

public static partial class P_ForAwaitIncrement
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var steps = "";
        for (var i = 0; i < 7; i += await Ops.Value(3))
        {
            steps += i;
            log.Add("i" + i);
        }
        return steps;
    }
}

public static partial class P_WhileTrueReturn
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var n = 0;
        while (true)
        {
            n += await Ops.Value(1);
            log.Add("n" + n);
            if (n == 3) return "three";
        }
    }
}
