public static class Refs
{
    public static void Add(ref int target, int first, int second) => target += first * 10 + second;

    public static string Log(List<string> log, string what)
    {
        log.Add("log " + what);
        return what;
    }

    public static void Put(ref int target, string label, int value) => target = label.Length + value;
}

public struct Accumulator
{
    private int _sum;
    private int _count;

    public void Push(int value)
    {
        _sum += value;
        _count++;
    }

    public readonly string Describe() => _sum + "/" + _count;
}

public readonly struct Point(int x, int y)
{
    public int X => x;
    public int Y => y;

    public Point Move(int dx) => new(x + dx, y);

    public override string ToString() => "(" + x + "," + y + ")";
}

public static partial class P_RefLocalArgument
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var total = 1;
        await Ops.Yield();
        Refs.Add(ref total, Trace.Value(log, "first", 2), await Ops.Value(3));
        Refs.Add(ref total, await Ops.Value(4), 5);
        return "total " + total;
    }
}

public static partial class P_RefArrayElementArgument
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var cells = new int[3];
        Refs.Add(ref cells[Trace.Value(log, "index", 2)], Trace.Value(log, "first", 1), await Ops.Value(7));
        return string.Join(",", cells);
    }
}

public static partial class P_RefArrayElementNullOrder
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        int[]? cells = null;
        await Ops.Yield();
        Refs.Put(ref cells![0], Refs.Log(log, "label"), await Ops.Value(1));
        return "not reached";
    }
}

public static partial class P_OutVariableWithAwaitedInput
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        if (int.TryParse(await Ops.Value("41"), out var number))
        {
            await Ops.Yield();
            return "parsed " + (number + 1);
        }
        return "failed";
    }
}

public static partial class P_StructReceiverMutation
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var acc = new Accumulator();
        acc.Push(await Ops.Value(5));
        acc.Push(1);
        await Ops.Yield();
        acc.Push(await Ops.Value(10));
        return acc.Describe();
    }
}

public static partial class P_StructFieldCompoundLocal
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var counter = new Counter();
        counter.Count += await Ops.Value(3);
        counter.Add(await Ops.Value(4));
        return "count " + counter.Count;
    }
}

public static partial class P_StructArrayElementMethod
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var counters = new Counter[1];
        counters[0].Add(await Ops.Value(5));
        return "count " + counters[0].Count;
    }
}

public static partial class P_StructCopySemantics
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var original = new Counter();
        var copy = original;
        copy.Add(await Ops.Value(9));
        original.Count += 1;
        return original.Count + " " + copy.Count;
    }
}

public static partial class P_ReadonlyStructChain
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var p = new Point(1, 2);
        p = p.Move(await Ops.Value(3)).Move(await Ops.Value(4));
        var q = new Point(await Ops.Value(7), p.Y);
        return p + " " + q;
    }
}

public partial struct Wallet
{
    public int Coins;

    [PollAsync]
    public async Future<int> Earn(List<string> log, int amount)
    {
        await Ops.Yield();
        log.Add("earned " + amount);
        return Coins + amount;
    }
}

public static partial class P_StructInstancePollAsync
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var wallet = new Wallet { Coins = 10 };
        var first = await wallet.Earn(log, 5);
        wallet.Coins = first;
        var second = await wallet.Earn(log, 7);
        return "coins " + second;
    }
}

public static partial class P_NullableStructAcrossAwaits
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        int? maybe = null;
        await Ops.Yield();
        var first = maybe ?? -1;
        maybe = await Ops.Value(8);
        Point? point = null;
        var text = point?.ToString() ?? "none";
        point = new Point(await Ops.Value(1), 1);
        return first + " " + maybe.Value + " " + text + " " + point.Value;
    }
}
