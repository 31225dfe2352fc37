namespace AsyncGen.Newcomer.Tests;

/// <summary>
/// [PollAsync] methods declared where a .NET user puts async methods: generic methods, generic classes, structs,
/// records, static and nested classes, extension methods; returning tuples, nullables and records.
/// </summary>
public partial class DeclarationShapeTests
{
    public sealed record Person(string Name, int Age);

    [PollAsync]
    private static async Future<T> Echo<T>(T value)
    {
        await Future.Yield();
        return value;
    }

    [PollAsync]
    private static async Future<List<T>> Collect<T>(IEnumerable<T> items) where T : notnull
    {
        var result = new List<T>();
        foreach (var item in items) result.Add(await Echo(item));
        return result;
    }

    [Fact]
    public void Generic_methods_run_for_value_and_reference_types()
    {
        Assert.Equal(42, Executor.BlockOn(Echo(42)));
        Assert.Equal("x", Executor.BlockOn(Echo("x")));
        Assert.Equal([1, 2, 3], Executor.BlockOn(Collect(new[] { 1, 2, 3 })));
        Assert.Equal(["a", "b"], Executor.BlockOn(Collect(new List<string> { "a", "b" })));
    }

    [PollAsync]
    private static async Future<(int Sum, string Text)> SumAndText(int a, int b)
    {
        await Future.Yield();
        return (a + b, $"{a}+{b}");
    }

    [PollAsync]
    private static async Future<int?> FindIndex(int[] values, int wanted)
    {
        for (int i = 0; i < values.Length; i++)
        {
            await Future.Yield();
            if (values[i] == wanted) return i;
        }
        return null;
    }

    [PollAsync]
    private static async Future<Person?> LoadPerson(string? name)
    {
        await Future.Yield();
        return name is null ? null : new Person(name, name.Length * 10);
    }

    [PollAsync]
    private static async Future<string> UseResults()
    {
        var (sum, text) = await SumAndText(1, 2);
        int? found = await FindIndex([5, 6, 7], 7);
        int? missing = await FindIndex([5, 6, 7], 9);
        var person = await LoadPerson("Ada");
        var nobody = await LoadPerson(null);
        return $"{sum} {text} {found} {missing?.ToString() ?? "none"} {person} {nobody?.Name ?? "nobody"}";
    }

    [Fact]
    public void Tuples_nullables_and_records_come_back_from_awaits()
    {
        Assert.Equal("3 1+2 2 none Person { Name = Ada, Age = 30 } nobody", Executor.BlockOn(UseResults()));
    }

    [Fact]
    public void A_generic_class_and_its_generic_method()
    {
        var cache = new Cache<string, int>();
        Assert.Equal(3, Executor.BlockOn(cache.GetOrAdd("abc", key => key.Length)));
        Assert.Equal(3, Executor.BlockOn(cache.GetOrAdd("abc", _ => -1)));
        Assert.Equal(("abc", 3, 1), Executor.BlockOn(cache.Describe<int>("abc", 1)));
    }

    [Fact]
    public void A_struct_method_captures_this_by_value_at_the_call()
    {
        var counter = new Counter { Count = 5 };
        var future = counter.AddLater(2);
        counter.Count = 100; // the async method got a copy, as C# does for an async struct method
        Assert.Equal(7, Executor.BlockOn(future));
        Assert.Equal(7, Executor.BlockOn(AsTask(new Counter { Count = 5 }, 2)));
    }

    private static Future<int> AsTask(Counter counter, int n) => counter.AddLater(n);

    [Fact]
    public void A_record_method_and_a_record_struct_method()
    {
        var person = new Account("ada", 10);
        Assert.Equal(new Account("ada", 15), Executor.BlockOn(person.Deposit(5)));
        var point = new Point(1, 2);
        Assert.Equal(new Point(2, 4), Executor.BlockOn(point.Doubled()));
    }

    [Fact]
    public void Static_nested_and_extension_methods()
    {
        Assert.Equal("HELLO!", Executor.BlockOn("hello".ShoutLater()));
        Assert.Equal(6, Executor.BlockOn(Outer.Inner.Triple(2)));
        Assert.Equal(10, Executor.BlockOn(new Outer.Inner(5).Twice()));
    }

    [PollAsync]
    private static async Future<string> Format(string name, int times = 2, char separator = ',', params int[] extra)
    {
        await Future.Yield();
        return string.Join(separator, Enumerable.Repeat(name, times)) + "|" + string.Join(separator, extra);
    }

    [PollAsync]
    private static async Future<string> CallsWithArgumentShapes()
    {
        var a = await Format("a");
        var b = await Format("b", separator: ';');
        var c = await Format(times: 1, name: "c");
        var d = await Format("d", 1, '-', 1, 2, 3);
        return $"{a} {b} {c} {d}";
    }

    [Fact]
    public void Default_named_and_params_arguments()
    {
        Assert.Equal("a,a| b;b| c| d|1-2-3", Executor.BlockOn(CallsWithArgumentShapes()));
        Assert.Equal("x,x,x|9", Executor.BlockOn(Format("x", 3, ',', 9)));
    }
}

public sealed partial class Cache<TKey, TValue> where TKey : notnull
{
    private readonly Dictionary<TKey, TValue> _values = new();

    [PollAsync]
    public async Future<TValue> GetOrAdd(TKey key, Func<TKey, TValue> factory)
    {
        if (_values.TryGetValue(key, out var existing)) return existing;
        await Future.Yield();
        var value = factory(key);
        _values[key] = value;
        return value;
    }

    [PollAsync]
    public async Future<(TKey, TValue, TExtra)> Describe<TExtra>(TKey key, TExtra extra)
    {
        var value = await GetOrAdd(key, _ => throw new InvalidOperationException("not cached"));
        return (key, value, extra);
    }
}

public partial struct Counter
{
    public int Count;

    [PollAsync]
    public readonly async Future<int> AddLater(int n)
    {
        await Future.Yield();
        return Count + n;
    }
}

public sealed partial record Account(string Owner, int Balance)
{
    [PollAsync]
    public async Future<Account> Deposit(int amount)
    {
        await Future.Yield();
        return this with { Balance = Balance + amount };
    }
}

public readonly partial record struct Point(int X, int Y)
{
    [PollAsync]
    public async Future<Point> Doubled()
    {
        await Future.Yield();
        return new Point(X * 2, Y * 2);
    }
}

public static partial class StringFutures
{
    [PollAsync]
    public static async Future<string> ShoutLater(this string text)
    {
        await Future.Yield();
        return text.ToUpperInvariant() + "!";
    }
}

public static partial class Outer
{
    public sealed partial class Inner(int value)
    {
        [PollAsync]
        public static async Future<int> Triple(int x)
        {
            await Future.Yield();
            return x * 3;
        }

        [PollAsync]
        public async Future<int> Twice()
        {
            await Future.Yield();
            return value * 2;
        }
    }
}

public readonly partial struct Box<T>(T value)
{
    [PollAsync]
    public async Future<(T, T)> Pair()
    {
        await Future.Yield();
        return (value, value);
    }
}

public partial struct MutableBox<T>(T value)
{
    public T Value = value;
    public int Reads;

    [PollAsync]
    public async Future<T> Read()
    {
        Reads++; // on the machine's copy of 'this', as an async struct method mutates its own copy
        await Future.Yield();
        Reads++;
        return Value;
    }
}

public partial class DeclarationShapeTests
{
    [Fact]
    public void Methods_of_generic_readonly_and_mutable_structs_work_on_a_copy_of_this()
    {
        Assert.Equal(("a", "a"), Executor.BlockOn(new Box<string>("a").Pair()));
        var box = new MutableBox<int>(7);
        Assert.Equal(7, Executor.BlockOn(box.Read()));
        Assert.Equal(0, box.Reads); // C# copies 'this' into an async struct method's state machine too
    }
}
