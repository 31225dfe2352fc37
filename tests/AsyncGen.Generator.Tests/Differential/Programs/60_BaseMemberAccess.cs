// `base.` inside [PollAsync] methods: the machine is a struct of its own, so each base member is reached through a
// private helper of the user's type that makes the non-virtual call (as Roslyn's <>n__0). Every derived member
// here does something else than its base, so a call that reached the override instead would show in the log.

public static partial class P_BaseMethodsWithArgumentsAndOverloads
{
    public class Shape
    {
        public virtual string Describe(string prefix, int sides = 3) => $"{prefix}:shape{sides}";
        public virtual string Describe(int sides) => "shape" + sides;
        public virtual T Echo<T>(T value) where T : notnull => value;
        public virtual void Note(List<string> log, string text) => log.Add("base note " + text);
    }

    public partial class Square : Shape
    {
        public override string Describe(string prefix, int sides = 4) => $"{prefix}:square{sides}";
        public override string Describe(int sides) => "square" + sides;
        public override T Echo<T>(T value) => default!;
        public override void Note(List<string> log, string text) => log.Add("derived note " + text);

        [PollAsync]
        public async Future<string> Work(List<string> log)
        {
            var first = base.Describe("a");
            await Ops.Yield();
            base.Note(log, first);
            var second = base.Describe(await Ops.Value(5));
            var named = base.Describe(sides: 7, prefix: "n");
            var echoed = base.Echo(await Ops.Value("echo")) + base.Echo<int>(2);
            return first + " " + second + " " + named + " " + echoed + " " + Describe(1);
        }
    }

    [PollAsync]
    public static async Future<string> Run(List<string> log) => await new Square().Work(log);
}

public static partial class P_BasePropertiesFieldsAndIndexers
{
    public class Counter
    {
        protected int hits = 10;
        private readonly Dictionary<int, string> _slots = new();
        public virtual int Count { get; set; } = 1;
        public virtual string Name => "counter";
        public virtual string this[int slot]
        {
            get => _slots.TryGetValue(slot, out var v) ? v : "empty" + slot;
            set => _slots[slot] = value;
        }
    }

    public partial class Tally : Counter
    {
        private new int hits = 100;
        public override int Count { get => 1000; set { } }
        public override string Name => "tally";
        public override string this[int slot] { get => "derived" + slot; set { } }

        [PollAsync]
        public async Future<string> Work(List<string> log)
        {
            base.Count = 2;
            base.Count += await Ops.Value(3);
            base.Count++;
            base.hits += await Ops.Value(1);
            base[1] = "one";
            await Ops.Yield();
            base[2] = await Ops.Value("two");
            var read = base[await Ops.Value(1)] + "," + base[2] + "," + base[3];
            return $"{base.Count} {base.hits} {hits} {base.Name} {Name} {read} {Count}";
        }
    }

    [PollAsync]
    public static async Future<string> Run(List<string> log) => await new Tally().Work(log);
}

public static partial class P_BaseAsyncCallsAwaitedAndSpilled
{
    public partial class Source
    {
        public virtual Future<string> Fetch(List<string> log, string key)
        {
            log.Add("base fetch " + key);
            return Ops.Boxed("base:" + key);
        }

        [PollAsync]
        public virtual async Future<string> Load(List<string> log, int id)
        {
            log.Add("base load " + id);
            await Ops.Yield();
            return "loaded" + id;
        }

        public virtual string Tag(List<string> log)
        {
            log.Add("base tag");
            return "tag";
        }
    }

    public sealed partial class CachedSource : Source
    {
        public override Future<string> Fetch(List<string> log, string key) => Ops.Boxed("derived:" + key);

        [PollAsync]
        public override async Future<string> Load(List<string> log, int id)
        {
            log.Add("derived load " + id);
            var inner = await base.Load(log, id * 10);
            var later = base.Load(log, id * 100); // a Task starts here, a future when awaited: nothing is logged between
            return "cached(" + inner + "," + await later + ")";
        }

        public override string Tag(List<string> log) => "derived tag";

        private static string Combine(List<string> log, string a, string b, string c)
        {
            log.Add("combine");
            return a + "+" + b + "+" + c;
        }

        [PollAsync]
        public async Future<string> Work(List<string> log)
        {
            var fetched = await base.Fetch(log, "k");
            // base.Tag runs before the await, as C# evaluates arguments left to right.
            var combined = Combine(log, base.Tag(log), await Ops.Value("mid"), base.Tag(log));
            return fetched + " " + combined + " " + await Load(log, 2);
        }
    }

    [PollAsync]
    public static async Future<string> Run(List<string> log) => await new CachedSource().Work(log);
}

public static partial class P_BaseOutParametersAndEvents
{
    public class Registry
    {
        public virtual bool TryFind(int key, out string value)
        {
            value = "base" + key;
            return key > 0;
        }

        public virtual void Bump(ref int counter) => counter += 1;

        public virtual event Action<string>? Changed;

        public void Raise(string what) => Changed?.Invoke(what);
    }

    public partial class Cache : Registry
    {
        public override bool TryFind(int key, out string value)
        {
            value = "derived";
            return false;
        }

        public override void Bump(ref int counter) => counter += 100;

        public override event Action<string>? Changed { add { } remove { } }

        [PollAsync]
        public async Future<string> Work(List<string> log)
        {
            var found = base.TryFind(await Ops.Value(3), out var value);
            var counter = 0;
            base.Bump(ref counter);
            await Ops.Yield();
            base.Bump(ref counter);
            Action<string> handler = what => log.Add("changed " + what);
            base.Changed += handler;
            await Ops.Yield();
            Raise("once");
            base.Changed -= handler;
            Raise("twice");
            return found + " " + value + " " + counter;
        }
    }

    [PollAsync]
    public static async Future<string> Run(List<string> log) => await new Cache().Work(log);
}

// Review R1: the helper property states only the accessors the derived type may call.
public static partial class P_BasePropertiesWithAccessorsPrivateToTheBase
{
    public class Setting
    {
        public virtual int ReadOnlyOutside { get; private set; } = 5;
        public virtual int WriteOnlyOutside { private get; set; } = 6;
        public int Written => WriteOnlyOutside;
    }

    public partial class Override : Setting
    {
        public override int ReadOnlyOutside => 50;
        public override int WriteOnlyOutside { set { } }

        [PollAsync]
        public async Future<string> Work(List<string> log)
        {
            var read = base.ReadOnlyOutside;
            await Ops.Yield();
            base.WriteOnlyOutside = await Ops.Value(7);
            return read + " " + Written + " " + ReadOnlyOutside;
        }
    }

    [PollAsync]
    public static async Future<string> Run(List<string> log) => await new Override().Work(log);
}

// Review R2: a base indexer written with an optional index left out, and with named indices in any order.
public static partial class P_BaseIndexerWrittenWithOptionalAndNamedIndices
{
    public class Grid
    {
        private readonly Dictionary<string, string> _cells = new();

        public virtual string this[string row, int col = 0]
        {
            get => _cells.TryGetValue(row + col, out var v) ? v : "empty";
            set => _cells[row + col] = value;
        }
    }

    public partial class Sheet : Grid
    {
        public override string this[string row, int col = 0] { get => "derived"; set { } }

        private static T Note<T>(List<string> log, T value)
        {
            log.Add("index " + value);
            return value;
        }

        [PollAsync]
        public async Future<string> Work(List<string> log)
        {
            base["a"] = "a0";
            await Ops.Yield();
            base[col: Note(log, 2), row: Note(log, "b")] = "b2";
            base["c", col: await Ops.Value(3)] = await Ops.Value("c3");
            base[col: Note(log, 4), row: await Ops.Value("d")] = Note(log, "d4");
            return base["a"] + " " + base["b", 2] + " " + base[col: 3, row: "c"] + " " + base["d", 4] + " " + this["a"];
        }
    }

    [PollAsync]
    public static async Future<string> Run(List<string> log) => await new Sheet().Work(log);
}

// Review R4: a base method whose interpolated-string handler takes the receiver binds that handler's constructor.
public static partial class P_BaseCallWithAnInterpolatedStringHandlerTakingTheReceiver
{
    [System.Runtime.CompilerServices.InterpolatedStringHandler]
    public ref struct LogHandler
    {
        private readonly System.Text.StringBuilder? _text;

        public LogHandler(int literalLength, int formattedCount, Logger logger, out bool enabled)
        {
            enabled = logger.Enabled;
            _text = enabled ? new() : null;
        }

        // Bound instead when the receiver is not passed: it would evaluate the holes of a disabled logger.
        public LogHandler(int literalLength, int formattedCount) => _text = new();

        public void AppendLiteral(string s) => _text!.Append(s);
        public void AppendFormatted<T>(T value) => _text!.Append(value);
        public override string ToString() => _text?.ToString() ?? "<off>";
    }

    public class Logger
    {
        public bool Enabled;
        public List<string> Lines = new();

        public virtual void Write([System.Runtime.CompilerServices.InterpolatedStringHandlerArgument("")] ref LogHandler handler) => Lines.Add(handler.ToString());
    }

    public partial class Service : Logger
    {
        private static int Expensive(List<string> log)
        {
            log.Add("expensive");
            return 42;
        }

        [PollAsync]
        public async Future<string> Work(List<string> log)
        {
            base.Write($"off {Expensive(log)}");
            await Ops.Yield();
            Enabled = true;
            base.Write($"on {Expensive(log)}");
            return string.Join(";", Lines);
        }
    }

    [PollAsync]
    public static async Future<string> Run(List<string> log) => await new Service().Work(log);
}
