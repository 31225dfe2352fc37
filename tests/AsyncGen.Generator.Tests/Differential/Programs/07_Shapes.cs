public static partial class P_Generic
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var number = await Echo(log, 5);
        var text = await Echo(log, "five");
        var list = await Echo(log, new List<int> { 1 });
        return number + text + list.Count;
    }

    [PollAsync]
    private static async Future<T> Echo<T>(List<string> log, T value)
    {
        await Ops.Yield();
        log.Add("echo " + value);
        return value;
    }
}

public sealed partial class P_Instance
{
    private readonly List<string> _log;
    private int _counter;

    private P_Instance(List<string> log) => _log = log;

    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var instance = new P_Instance(log);
        await instance.Increment(2);
        await instance.Increment(3);
        return instance._counter.ToString();
    }

    [PollAsync]
    private async Future Increment(int by)
    {
        await Ops.Yield();
        _counter += by;
        this._log.Add("counter " + _counter);
        Note(_counter);
    }

    private void Note(int value) => _log.Add("note " + value);
}

public partial struct P_StructThis
{
    private int _value;

    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var s = new P_StructThis { _value = 1 };
        var seen = await s.Bump(log);
        return seen + "/" + s._value;
    }

    [PollAsync]
    private async Future<int> Bump(List<string> log)
    {
        _value += 10;
        await Ops.Yield();
        _value += 100;
        log.Add("inside " + _value);
        return _value;
    }
}

public partial record P_Record(string Name)
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var record = new P_Record("rec");
        return await record.Describe(log);
    }

    [PollAsync]
    private async Future<string> Describe(List<string> log)
    {
        await Ops.Yield();
        log.Add(Name);
        return Name + (this with { Name = "copy" }).Name;
    }
}

public static partial class P_Lambda
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var factor = await Ops.Value(3);
        Func<int, int> scale = x => x * factor;
        await Ops.Yield();
        factor = 4;
        var scaled = new[] { 1, 2 }.Select(scale).ToList();
        log.Add(string.Join(",", scaled));
        return string.Join(",", new[] { 5 }.Select(x => x + log.Count + factor));
    }
}

public static partial class P_LocalFunction
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var baseValue = await Ops.Value(10);
        static int Double(int x) => x * 2;
        int AddBase(int x) => x + baseValue;
        await Ops.Yield();
        log.Add("local " + Double(baseValue));
        return AddBase(1).ToString();
    }
}

public static partial class P_Recursion
{
    [PollAsync]
    public static async Future<string> Run(List<string> log) => (await Factorial(log, 5)).ToString();

    [PollAsync]
    private static async Future<int> Factorial(List<string> log, int n)
    {
        await Ops.Yield();
        log.Add("n" + n);
        return n <= 1 ? 1 : n * await Factorial(log, n - 1);
    }
}

public static partial class P_GenericHost
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var box = new Box<int>(4);
        return (await box.Get(log)).ToString();
    }

    public sealed partial class Box<T>
    {
        private readonly T value;

        public Box(T value) => this.value = value;

        [PollAsync]
        public async Future<T> Get(List<string> log)
        {
            await Ops.Yield();
            log.Add("box " + value);
            return value;
        }
    }
}

public static partial class P_Overloads
{
    [PollAsync]
    public static async Future<string> Run(List<string> log) => await Show(1) + await Show("a");

    [PollAsync]
    private static async Future<string> Show(int n) { await Ops.Yield(); return "int" + n; }

    [PollAsync]
    private static async Future<string> Show(string s) { await Ops.Yield(); return "string" + s; }
}

public static partial class P_DefaultParameters
{
    [PollAsync]
    public static async Future<string> Run(List<string> log) => await Format(1) + await Format(2, suffix: "!") + await Sum(1, 2, 3);

    [PollAsync]
    private static async Future<string> Format(int n, string prefix = "#", string suffix = ".") { await Ops.Yield(); return prefix + n + suffix; }

    [PollAsync]
    private static async Future<int> Sum(params int[] values) { await Ops.Yield(); return values.Sum(); }
}

public static partial class P_NoAwait
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        log.Add("synchronous");
        return "sync";
    }
}
