// Locks around code without awaits, deconstruction into existing variables and discards, as-casts, returns from a
// using inside a loop inside a try, async local functions, static lambdas, loop locals captured after compound
// assignments, for loops with two variables and an awaited condition.

public static partial class P_NcAwaitInsideLockFreeCounterLoop
{
    private static int s_total;

    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        s_total = 0;
        var gate = new object();
        for (var i = 0; i < 3; i++)
        {
            var add = await Ops.Value(i + 1);
            lock (gate)
            {
                s_total += add;
            }
        }
        return s_total.ToString();
    }
}

public static partial class P_NcDeconstructIntoExistingAndDiscard
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        int a = 1, b = 2;
        (a, _) = await Ops.Value((10, 20));
        var (_, second) = (await Ops.Value(3), b);
        (a, b) = (b + await Ops.Value(1), a);
        return $"{a} {b} {second}";
    }
}

public static partial class P_NcNullForgivingAndAsCasts
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        object boxed = await Ops.Value<object>("text");
        var asString = boxed as string;
        var length = asString!.Length + (await Ops.Value<object?>(null) as string)?.Length ?? -1;
        var cast = (string)boxed;
        return $"{length} {cast.ToUpperInvariant()}";
    }
}

public static partial class P_NcReturnInsideUsingInsideLoopInsideTry
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        try
        {
            log.Add("try:outer");
            foreach (var name in new[] { "a", "b", "c" })
            {
                using var reader = new System.IO.StringReader(name);
                var text = reader.ReadToEnd();
                await Ops.Yield();
                if (text == "b") return "found " + text;
            }
            return "none";
        }
        finally
        {
            log.Add("finally:outer");
        }
    }
}

public static partial class P_NcLocalFunctionAwaitingInsideIsNotTheMachine
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        async Task<int> Twice(int x)
        {
            await Task.Yield();
            return x * 2;
        }
        var first = await Twice(await Ops.Value(4));
        var second = await Twice(first);
        return first + " " + second;
    }
}

public static partial class P_NcStaticLambdaAndDiscardParameters
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        Func<int, int, int> first = static (a, _) => a * 2;
        var value = first(await Ops.Value(21), 0);
        var items = new List<int> { 3, 1, 2 };
        items.Sort(static (x, y) => y.CompareTo(x));
        await Ops.Yield();
        return value + " " + string.Join("", items);
    }
}

public static partial class P_NcCompoundAssignOnCapturedLoopVariable
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var actions = new List<Func<int>>();
        for (var i = 0; i < 3; i++)
        {
            var local = i;
            local += await Ops.Value(10);
            actions.Add(() => local);
            local *= 2;
        }
        return string.Join(",", actions.Select(a => a()));
    }
}

public static partial class P_NcForWithTwoVariablesAndAwaitInCondition
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var pairs = new List<string>();
        for (int i = 0, j = 10; i < await Ops.Value(3); i++, j -= 2)
        {
            pairs.Add(i + ":" + j);
        }
        return string.Join(",", pairs);
    }
}
