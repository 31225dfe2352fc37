public static partial class P_Straight
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var a = await Ops.Value(1);
        log.Add("a=" + a);
        await Ops.Yield();
        var b = await Ops.Value(2);
        log.Add("b=" + b);
        return (a + b).ToString();
    }
}

public static partial class P_TaskAwait
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var x = await Ops.FromTask(5);
        log.Add("task " + x);
        await Task.Yield();
        log.Add("yielded");
        await Task.Delay(1);
        return "x" + x;
    }
}

public static partial class P_ClassFuture
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var boxed = await Ops.Boxed(3);
        log.Add("boxed " + boxed);
        return (boxed * 2).ToString();
    }
}

public static partial class P_NestedCalls
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var sum = await Add(log, 2, 3);
        log.Add("sum " + sum);
        return (await Twice(log, sum)).ToString();
    }

    [PollAsync]
    private static async Future<int> Add(List<string> log, int a, int b)
    {
        log.Add("add");
        var doubled = await Twice(log, a);
        return doubled / 2 + b;
    }

    [PollAsync]
    internal static async Future<int> Twice(List<string> log, int x)
    {
        await Ops.Yield();
        log.Add("twice " + x);
        return x * 2;
    }
}

public static partial class P_VoidFuture
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        await Step(log, "one");
        await Step(log, "two");
        return "done";
    }

    [PollAsync]
    private static async Future Step(List<string> log, string name)
    {
        await Ops.Yield();
        log.Add(name);
        if (name == "one") return;
        log.Add("not one");
    }
}

public static partial class P_ExpressionBodied
{
    [PollAsync]
    public static async Future<string> Run(List<string> log) => (await Get()).ToString() + log.Count;

    [PollAsync]
    private static async Future<int> Get() => await Ops.Value(7);
}

public static partial class P_LocalsAcrossAwaits
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        int a = 1, b = 2;
        string s = "s";
        await Ops.Yield();
        var c = a + b;
        await Ops.Yield();
        s += c;
        int notLive = 40;
        log.Add("notLive " + notLive);
        await Ops.Yield();
        return s + a + b;
    }
}

public static partial class P_StoredFuture
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var pending = Ops.Boxed(4);
        log.Add("created");
        await Ops.Yield();
        var value = await pending;
        return "v" + value;
    }
}

public static partial class P_ValueTask
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var v = await new ValueTask<int>(Ops.FromTask(3));
        log.Add("vt " + v);
        await new ValueTask();
        return "ok" + v;
    }
}

public static partial class P_ConfigureAwait
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var v = await Ops.FromTask(1).ConfigureAwait(false);
        log.Add("configured " + v);
        return v.ToString();
    }
}
