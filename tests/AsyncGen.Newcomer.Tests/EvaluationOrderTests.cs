namespace AsyncGen.Newcomer.Tests;

/// <summary>
/// Side-effect order around awaits, each beside the same code as <c>async Task</c> writing to the same kind of log:
/// receivers, indexes and left operands are evaluated before the await, named arguments in the order written,
/// targets of deconstructing assignments before the right side.
/// </summary>
public partial class EvaluationOrderTests
{
    public sealed class Box
    {
        public List<string> Log { get; } = [];
        public int Total;
        public int[] Slots = [0, 0, 0];
        public List<int> Items = [];
        public Point Position;
        private int _prop;

        public int Prop
        {
            get { Log.Add($"get Prop {_prop}"); return _prop; }
            set { Log.Add($"set Prop {value}"); _prop = value; }
        }

        public int Index(int i) { Log.Add($"index {i}"); return i; }
        public string Arg(string s) { Log.Add($"arg {s}"); return s; }
    }

    public struct Point
    {
        public int X;
        public void Move(int by) => X += by;
    }

    [PollAsync]
    private static async Future<T> Meanwhile<T>(Box box, T value)
    {
        box.Log.Add($"await {value}");
        await Future.Yield();
        box.Total = 1000;
        box.Slots = [-1, -1, -1];
        box.Items = [-1];
        box.Position = new Point { X = 500 };
        return value;
    }

    private static async Task<T> MeanwhileTask<T>(Box box, T value)
    {
        box.Log.Add($"await {value}");
        await Task.Yield();
        box.Total = 1000;
        box.Slots = [-1, -1, -1];
        box.Items = [-1];
        box.Position = new Point { X = 500 };
        return value;
    }

    private static string Call(Box box, string a, string b = "b?", string c = "c?") => $"{a}{b}{c}";

    [PollAsync]
    private static async Future<string> Order(Box box)
    {
        box.Total += await Meanwhile(box, 5);
        var slots = box.Slots;
        box.Slots[box.Index(1)] += await Meanwhile(box, 7);
        var items = box.Items;
        box.Items.Add(await Meanwhile(box, 9));
        box.Position.Move(await Meanwhile(box, 3));
        box.Prop += await Meanwhile(box, 11);
        var named = Call(box, c: box.Arg("c"), a: await Meanwhile(box, "a"), b: box.Arg("b"));
        var tuple = (box.Arg("1"), await Meanwhile(box, "2"), box.Arg("3"));
        int[] target = [0, 0];
        (target[box.Index(0)], box.Prop) = (await Meanwhile(box, 20), await Meanwhile(box, 21));
        var both = box.Arg("left") + await Meanwhile(box, "right");
        return $"{box.Total} [{string.Join(",", slots)}] [{string.Join(",", box.Slots)}] [{string.Join(",", items)}] [{string.Join(",", box.Items)}] {box.Position.X} {box.Prop} {named} {tuple} [{string.Join(",", target)}] {both} | {string.Join("; ", box.Log)}";
    }

    private static async Task<string> OrderTask(Box box)
    {
        box.Total += await MeanwhileTask(box, 5);
        var slots = box.Slots;
        box.Slots[box.Index(1)] += await MeanwhileTask(box, 7);
        var items = box.Items;
        box.Items.Add(await MeanwhileTask(box, 9));
        box.Position.Move(await MeanwhileTask(box, 3));
        box.Prop += await MeanwhileTask(box, 11);
        var named = Call(box, c: box.Arg("c"), a: await MeanwhileTask(box, "a"), b: box.Arg("b"));
        var tuple = (box.Arg("1"), await MeanwhileTask(box, "2"), box.Arg("3"));
        int[] target = [0, 0];
        (target[box.Index(0)], box.Prop) = (await MeanwhileTask(box, 20), await MeanwhileTask(box, 21));
        var both = box.Arg("left") + await MeanwhileTask(box, "right");
        return $"{box.Total} [{string.Join(",", slots)}] [{string.Join(",", box.Slots)}] [{string.Join(",", items)}] [{string.Join(",", box.Items)}] {box.Position.X} {box.Prop} {named} {tuple} [{string.Join(",", target)}] {both} | {string.Join("; ", box.Log)}";
    }

    [Fact]
    public async Task Receivers_indexes_left_operands_and_named_arguments_are_evaluated_as_in_async_Task()
    {
        Assert.Equal(await OrderTask(new Box()), Executor.BlockOn(Order(new Box())));
    }

    private static int _counter;
    private int _hits = 100;

    [PollAsync]
    private static async Future<string> CollidingNames(int cx, int state)
    {
        int resume = cx + state;
        int counter = 10;
        _counter += await Meanwhile(new Box(), 1);
        var __p1 = resume;
        await Future.Yield();
        counter += _counter;
        return $"{cx} {state} {resume} {counter} {__p1} {_counter}";
    }

    [PollAsync]
    private async Future<string> InstanceCollidingNames()
    {
        int hits = 1;
        await Future.Yield();
        hits += _hits;
        _hits += await Meanwhile(new Box(), hits);
        return $"{hits} {_hits}";
    }

    [Fact]
    public void Locals_named_like_machine_fields_or_like_the_types_fields_keep_their_values()
    {
        _counter = 0;
        Assert.Equal("1 2 3 11 3 1", Executor.BlockOn(CollidingNames(1, 2)));
        Assert.Equal("101 201", Executor.BlockOn(new EvaluationOrderTests().InstanceCollidingNames()));
    }

    public sealed class Wiring
    {
        public List<string> Log { get; } = [];
        public int Total = 1;
        public int[] Slots = [1, 2];
        public Point Position = new() { X = 1 };
        public Point[] Points = [new() { X = 1 }];
        public string Name = "old";
        public List<int> Items = [];
        public Func<int, string> Handler = x => $"old handler {x}";
        public Action<string>? Changed;
        public Dictionary<string, int> Counts = new() { ["k"] = 1 };
        public static int Shared = 1;
    }

    [PollAsync]
    private static async Future<T> Rewire<T>(Wiring w, T value)
    {
        await Future.Yield();
        w.Log.Add($"rewire {value}");
        w.Total = 1000;
        w.Slots = [1000, 1000];
        w.Position = new Point { X = 1000 };
        w.Points = [new() { X = 1000 }];
        w.Name = "new";
        w.Items = [1000];
        w.Handler = x => $"new handler {x}";
        w.Changed = s => w.Log.Add($"new listener {s}");
        w.Counts = new() { ["k"] = 1000 };
        Wiring.Shared = 1000;
        return value;
    }

    private static async Task<T> RewireTask<T>(Wiring w, T value)
    {
        await Task.Yield();
        w.Log.Add($"rewire {value}");
        w.Total = 1000;
        w.Slots = [1000, 1000];
        w.Position = new Point { X = 1000 };
        w.Points = [new() { X = 1000 }];
        w.Name = "new";
        w.Items = [1000];
        w.Handler = x => $"new handler {x}";
        w.Changed = s => w.Log.Add($"new listener {s}");
        w.Counts = new() { ["k"] = 1000 };
        Wiring.Shared = 1000;
        return value;
    }

    [PollAsync]
    private static async Future<string> OperandsReadBeforeTheAwait(Wiring w)
    {
        w.Changed = s => w.Log.Add($"old listener {s}");
        var sum = w.Total + await Rewire(w, 1);
        var element = w.Slots[0] + await Rewire(w, 2);
        var field = w.Position.X + await Rewire(w, 3);
        var text = w.Name + await Rewire(w, "4");
        var shared = Wiring.Shared + await Rewire(w, 5);
        var called = w.Handler(await Rewire(w, 6));
        w.Changed?.Invoke(await Rewire(w, "7"));
        w.Position.X += await Rewire(w, 8);
        w.Points[0].X += await Rewire(w, 9);
        w.Counts["k"] += await Rewire(w, 10);
        w?.Items.Add(await Rewire(w, 11));
        var items = w!.Items;
        return $"{sum} {element} {field} {text} {shared} {called} {w.Position.X} {w.Points[0].X} {w.Counts["k"]} [{string.Join(",", items)}] | {string.Join("; ", w.Log)}";
    }

    private static async Task<string> OperandsReadBeforeTheAwaitTask(Wiring w)
    {
        w.Changed = s => w.Log.Add($"old listener {s}");
        var sum = w.Total + await RewireTask(w, 1);
        var element = w.Slots[0] + await RewireTask(w, 2);
        var field = w.Position.X + await RewireTask(w, 3);
        var text = w.Name + await RewireTask(w, "4");
        var shared = Wiring.Shared + await RewireTask(w, 5);
        var called = w.Handler(await RewireTask(w, 6));
        w.Changed?.Invoke(await RewireTask(w, "7"));
        w.Position.X += await RewireTask(w, 8);
        w.Points[0].X += await RewireTask(w, 9);
        w.Counts["k"] += await RewireTask(w, 10);
        w?.Items.Add(await RewireTask(w, 11));
        var items = w!.Items;
        return $"{sum} {element} {field} {text} {shared} {called} {w.Position.X} {w.Points[0].X} {w.Counts["k"]} [{string.Join(",", items)}] | {string.Join("; ", w.Log)}";
    }

    [Fact]
    public async Task Fields_elements_delegates_and_struct_members_are_read_before_the_await_as_in_async_Task()
    {
        var expected = await OperandsReadBeforeTheAwaitTask(new Wiring());
        Wiring.Shared = 1;
        Assert.Equal(expected, Executor.BlockOn(OperandsReadBeforeTheAwait(new Wiring())));
    }

    [PollAsync]
    private static async Future<string> NestedTargets(Box box)
    {
        int[] first = [0, 0], second = [0, 0];
        var swap = second;
        ((first[box.Index(0)], box.Prop), second[box.Index(1)]) = ((await Meanwhile(box, 1), await Meanwhile(box, 2)), await Meanwhile(box, 3));
        (swap, second) = (first, await Meanwhile(box, swap));
        var (x, (y, z)) = (box.Arg("x"), (await Meanwhile(box, "y"), box.Arg("z")));
        return $"[{string.Join(",", first)}] [{string.Join(",", second)}] [{string.Join(",", swap)}] {box.Prop} {x}{y}{z} | {string.Join("; ", box.Log)}";
    }

    private static async Task<string> NestedTargetsTask(Box box)
    {
        int[] first = [0, 0], second = [0, 0];
        var swap = second;
        ((first[box.Index(0)], box.Prop), second[box.Index(1)]) = ((await MeanwhileTask(box, 1), await MeanwhileTask(box, 2)), await MeanwhileTask(box, 3));
        (swap, second) = (first, await MeanwhileTask(box, swap));
        var (x, (y, z)) = (box.Arg("x"), (await MeanwhileTask(box, "y"), box.Arg("z")));
        return $"[{string.Join(",", first)}] [{string.Join(",", second)}] [{string.Join(",", swap)}] {box.Prop} {x}{y}{z} | {string.Join("; ", box.Log)}";
    }

    [Fact]
    public async Task Nested_deconstruction_targets_are_evaluated_before_the_awaits_of_the_right_side()
    {
        Assert.Equal(await NestedTargetsTask(new Box()), Executor.BlockOn(NestedTargets(new Box())));
    }
}
