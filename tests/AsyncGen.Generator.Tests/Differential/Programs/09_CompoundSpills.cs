public sealed class Tally
{
    private readonly List<string> _log;
    private int _total;

    public Tally(List<string> log) => _log = log;

    public int Total
    {
        get { _log.Add("get total " + _total); return _total; }
        set { _log.Add("set total " + value); _total = value; }
    }

    public int Plain;

    public int this[string key]
    {
        get { _log.Add("get [" + key + "]"); return key.Length; }
        set { _log.Add("set [" + key + "] " + value); }
    }
}

public struct Counter
{
    public int Count;

    public void Add(int amount) => Count += amount;
}

public static partial class P_CompoundArrayElement
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        int[] numbers = { 1, 2, 3 };
        numbers[Trace.Value(log, "index", 1)] += await Ops.Value(10);
        numbers[0] *= await Ops.Value(7);
        log.Add(string.Join(",", numbers));
        return numbers.Sum().ToString();
    }
}

public static partial class P_CompoundStructArrayElementField
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var counters = new Counter[2];
        counters[0].Count += await Ops.Value(42);
        counters[1].Count -= await Ops.Value(1);
        return counters[0].Count + " " + counters[1].Count;
    }
}

public static partial class P_CompoundPropertyOrder
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var tally = new Tally(log);
        tally.Total += await Ops.Value(5);
        tally.Total += Trace.Value(log, "plain", 1) + await Ops.Value(2);
        return "total " + tally.Total;
    }
}

public static partial class P_CompoundIndexerOrder
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var tally = new Tally(log);
        tally[Trace.Value(log, "key", "abc")] += await Ops.Value(100);
        return "indexed";
    }
}

public static partial class P_CompoundReceiverFromCall
{
    private static Tally Make(List<string> log)
    {
        log.Add("make");
        return new Tally(log);
    }

    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var tally = Make(log);
        tally.Plain += await Ops.Value(3);
        tally.Plain += await Ops.Value(4);
        return "plain " + tally.Plain;
    }
}

public static partial class P_CompoundStringInLoop
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var text = "";
        for (var i = 0; i < 4; i++)
        {
            text += await Ops.Value(i.ToString());
            text += "-";
        }
        log.Add(text);
        return text.TrimEnd('-');
    }
}

public static partial class P_CompoundDictionary
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var counts = new Dictionary<string, int> { ["a"] = 1, ["b"] = 2 };
        counts["a"] += await Ops.Value(10);
        counts["b"] = counts["b"] * await Ops.Value(3);
        return string.Join(";", counts.OrderBy(p => p.Key).Select(p => p.Key + "=" + p.Value));
    }
}

public static partial class P_CompoundNullCoalescing
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        string? name = null;
        name ??= await Ops.Value("default");
        name ??= await Ops.Value("never");
        return name;
    }
}

public sealed class Slot
{
    private readonly List<string> _log;
    private string? _value;

    public Slot(List<string> log) => _log = log;

    public string? Value
    {
        get { _log.Add("get " + (_value ?? "null")); return _value; }
        set { _log.Add("set " + value); _value = value; }
    }
}

public static partial class P_CompoundNullCoalescingValue
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var slot = new Slot(log);
        var first = slot.Value ??= await Ops.Value("filled");
        var second = slot.Value ??= await Ops.Value("ignored");
        int? count = null;
        var n = count ??= await Ops.Value(3);
        return first + second + n + count;
    }
}

public static partial class P_IncrementsAroundAwaits
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var slots = new int[4];
        var i = 0;
        slots[i++] = await Ops.Value(5);
        slots[i++] = await Ops.Value(6);
        i--;
        slots[++i] = i + await Ops.Value(100);
        return string.Join(",", slots) + " i=" + i;
    }
}

public static partial class P_CompoundStaticField
{
    private static int s_hits;

    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        s_hits = 0;
        for (var round = 0; round < 3; round++) s_hits += await Ops.Value(round + 1);
        return "hits " + s_hits;
    }
}

public static partial class P_CompoundBitwise
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var flags = 1;
        flags |= await Ops.Value(4);
        flags <<= await Ops.Value(2);
        flags ^= await Ops.Value(0xFF);
        flags &= ~await Ops.Value(1);
        return flags.ToString("X");
    }
}

public static partial class P_CompoundThrowsMidway
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var tally = new Tally(log);
        try
        {
            tally.Total += await Ops.Fail<int>("no value");
        }
        catch (InvalidOperationException e)
        {
            log.Add("caught " + e.Message);
        }
        return "total " + tally.Total;
    }
}
