// A reference held in a variable and used as the receiver of an access whose later operand awaits (`a[await i]++`,
// `box.Count += await v`, `a[1] = await v`, `box.Changed += await h`, `acc.Add(await v)`, `out box.Name`) is read
// before the await, like C#: a variable reassigned while the await is pending (by a local function called in the
// awaited expression here) leaves the access on the old object. A struct receiver stays the variable (C# writes the
// variable's new value), and an unconstrained type parameter does either, as its type argument is a class or a
// struct. Review 3, finding "receiver read after the await". Helper types: Rv.

public sealed class RvBox(string name)
{
    public int Count;
    public string Name = "";
    public List<string> Items = new();
    public event Action? Changed;
    public void Add(string item) => Items.Add(item);
    public override string ToString() => $"{name}:{Count}:{Name}:{string.Join(",", Items)}:{(Changed is null ? 0 : 1)}";
}

public interface IRvCounter { int Total { get; } void Add(int amount); }
public sealed class RvClassCounter : IRvCounter { public int Total { get; private set; } public void Add(int amount) => Total += amount; }
public struct RvStructCounter : IRvCounter { public int Total { get; private set; } public void Add(int amount) => Total += amount; }

public static partial class P_RvFieldReceiversReadBeforeAwaits
{
    private static int[] s_array = { 0, 0 };
    private static RvBox s_box = new("old");

    private static int Swap()
    {
        s_array = new[] { 0, 0 };
        s_box = new RvBox("new");
        return 1;
    }

    private static Action SwapForHandler() { Swap(); return () => { }; }

    private static void Put(out string target, int value) => target = "put" + value;

    private static string Reset(out int[] array, out RvBox box)
    {
        array = s_array = new[] { 0, 0 };
        box = s_box = new RvBox("old");
        return "";
    }

    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        Reset(out var array, out var box);
        s_array[await Ops.Value(Swap())]++;
        log.Add($"++ old {array[1]} new {s_array[1]}");
        Reset(out array, out box);
        s_box.Count += await Ops.Value(Swap() + 4);
        log.Add($"+= {box} {s_box}");
        Reset(out array, out box);
        s_array[1] = await Ops.Value(Swap() + 6);
        log.Add($"= old {array[1]} new {s_array[1]}");
        Reset(out array, out box);
        s_box.Changed += await Ops.Value(SwapForHandler());
        log.Add($"event {box} {s_box}");
        Reset(out array, out box);
        s_box.Add("v" + await Ops.Value(Swap()));
        log.Add($"call {box} {s_box}");
        Reset(out array, out box);
        Put(out s_box.Name, await Ops.Value(Swap()));
        log.Add($"out {box} {s_box}");
        Reset(out array, out box);
        s_box.Items.Add("i" + await Ops.Value(Swap()));
        return $"field of field {box} {s_box}";
    }
}

public static partial class P_RvLocalAndParameterReceiversReadBeforeAwaits
{
    [PollAsync]
    private static async Future<string> Load(string item)
    {
        await Ops.Yield();
        return item;
    }

    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var array = new[] { 0, 0 };
        var old = array;
        int Replace() { array = new[] { 0, 0 }; return 1; }
        array[await Ops.Value(Replace())]--;
        log.Add($"local -- old {old[1]} new {array[1]}");

        var list = new List<string>();
        var first = list;
        list.Add(await Ops.Value(Swap("a")));
        string Swap(string item) { list = new List<string>(); return item; }
        log.Add($"local call old [{string.Join(",", first)}] new [{string.Join(",", list)}]");

        var never = new List<string>();
        never.Add(await Load("kept"));
        log.Add("never reassigned " + string.Join(",", never));

        var counter = new RvStructCounter();
        int Zero() { counter = new RvStructCounter(); counter.Add(100); return 1; }
        counter.Add(await Ops.Value(Zero()));
        log.Add("struct local " + counter.Total);
        return await Parameter(new RvBox("param"), log);
    }

    [PollAsync]
    private static async Future<string> Parameter(RvBox box, List<string> log)
    {
        var old = box;
        int Replace() { box = new RvBox("other"); return 3; }
        box.Count += await Ops.Value(Replace());
        log.Add($"parameter {old} {box}");
        return "done";
    }
}

public static partial class P_RvInstanceAndGenericReceiversReadBeforeAwaits
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var holder = new RvHolder();
        log.Add(await holder.Fill());
        log.Add(await Generic<RvClassCounter>(new RvClassCounter(), new RvClassCounter()));
        log.Add(await Generic<RvStructCounter>(new RvStructCounter(), new RvStructCounter()));
        log.Add(await Generic<IRvCounter>(new RvClassCounter(), new RvStructCounter()));
        return "done";
    }

    [PollAsync]
    private static async Future<string> Generic<T>(T counter, T replacement) where T : IRvCounter
    {
        var old = counter;
        int Replace() { counter = replacement; return 5; }
        counter.Add(await Ops.Value(Replace()));
        return $"{typeof(T).Name} old {old.Total} variable {counter.Total} replacement {replacement.Total}";
    }
}

public sealed partial class RvHolder
{
    private List<string> _items = new();
    private readonly List<string> _kept = new();

    private string Replace(string item)
    {
        _items = new List<string>();
        return item;
    }

    [PollAsync]
    public async Future<string> Fill()
    {
        var old = _items;
        _items.Add(await Ops.Value(Replace("loaded")));
        _kept.Add(await Ops.Value("readonly"));
        this._kept.Add(await Ops.Value("this"));
        return $"instance field old [{string.Join(",", old)}] new [{string.Join(",", _items)}] kept [{string.Join(",", _kept)}]";
    }
}
