// Tuple equality with awaited elements, user-defined conversions of awaited values, optional, named and params
// arguments around awaits, string += on an awaited receiver, ++ of an awaited dictionary key, lock around code
// between awaits (continue and return inside the lock). Helper types: Ng.

public readonly record struct NgMeters(double Value)
{
    public static explicit operator NgMeters(double value) => new(value);
    public static implicit operator double(NgMeters m) => m.Value;
    public static NgMeters operator +(NgMeters a, NgMeters b) => new(a.Value + b.Value);
}

public sealed class NgLabel { public string Text { get; set; } = ""; }

public static partial class P_NgTupleEqualityConversionsAndOptionals
{
    private static string Describe(int a, int b = 20, string c = "c", params int[] rest) => $"{a}/{b}/{c}/{rest.Length}";
    private static int Trace(List<string> log, int v) { log.Add("arg " + v); return v; }

    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var x = 1;
        var same = (x, Trace(log, 2)) == (await Ops.Value(1), await Ops.Value(2));
        var differ = (await Ops.Value(1), "a") != (x, await Ops.Value("b"));
        var meters = (NgMeters)await Ops.Value(2.5) + (NgMeters)Trace(log, 1);
        double raw = meters;
        var d1 = Describe(await Ops.Value(1), c: await Ops.Value("named"));
        var d2 = Describe(Trace(log, 5), await Ops.Value(6), Trace(log, 7).ToString(), Trace(log, 8), await Ops.Value(9));
        var label = new NgLabel { Text = "a" };
        label.Text += await Ops.Value("b");
        (await Ops.Value(label)).Text += await Ops.Value("c");
        var counts = new Dictionary<string, int> { ["k"] = 1 };
        counts[await Ops.Value("k")]++;
        counts["k"] += await Ops.Value(10);
        return $"{same} {differ} {raw} {d1} {d2} {label.Text} {counts["k"]}";
    }
}

public static partial class P_NgLockAroundNonAwaitingCodeBetweenAwaits
{
    private static readonly object s_gate = new();

    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var total = 0;
        for (var i = 0; i < 3; i++)
        {
            var value = await Ops.Value(i);
            lock (s_gate)
            {
                total += value;
                if (value == 1) continue;
                log.Add("locked " + value);
            }
            await Ops.Yield();
        }
        lock (s_gate)
        {
            return "total " + total + " held " + System.Threading.Monitor.IsEntered(s_gate);
        }
    }
}
