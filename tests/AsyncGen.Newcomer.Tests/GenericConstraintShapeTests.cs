using System.Runtime.CompilerServices;

namespace AsyncGen.Newcomer.Tests;

/// <summary>
/// Generic methods and generic containing types with constraints (struct, class, new(), unmanaged, static abstract
/// members), written as a newcomer writes a cache, a parser registry and a pool, each beside the same code as
/// <c>async Task</c>.
/// </summary>
public partial class GenericConstraintShapeTests
{
    [PollAsync]
    private static async Future<T> Later<T>(T value)
    {
        await Future.Yield();
        return value;
    }

    private static async Task<T> LaterTask<T>(T value)
    {
        await Task.Yield();
        return value;
    }

    [PollAsync]
    private static async Future<string> NullableStructs<T>(T? first, T fallback) where T : struct
    {
        T? value = first;
        value ??= await Later(fallback);
        T? missing = null;
        var hasMissing = missing.HasValue;
        missing ??= await Later(value.GetValueOrDefault());
        var same = EqualityComparer<T?>.Default.Equals(value, missing);
        return $"{value} {missing} {hasMissing} {same} {default(T)} {value.GetValueOrDefault()}";
    }

    private static async Task<string> NullableStructsTask<T>(T? first, T fallback) where T : struct
    {
        T? value = first;
        value ??= await LaterTask(fallback);
        T? missing = null;
        var hasMissing = missing.HasValue;
        missing ??= await LaterTask(value.GetValueOrDefault());
        var same = EqualityComparer<T?>.Default.Equals(value, missing);
        return $"{value} {missing} {hasMissing} {same} {default(T)} {value.GetValueOrDefault()}";
    }

    [Fact]
    public async Task Nullable_type_parameters_with_a_struct_constraint_match_async_Task()
    {
        Assert.Equal(await NullableStructsTask<int>(null, 7), Executor.BlockOn(NullableStructs<int>(null, 7)));
        Assert.Equal(await NullableStructsTask<double>(1.5, 7), Executor.BlockOn(NullableStructs<double>(1.5, 7)));
    }

    public sealed class Widget
    {
        public string Name { get; set; } = "widget";
        public int Uses { get; set; }
        public override string ToString() => $"{Name}:{Uses}";
    }

    /// <summary>A small object pool a newcomer writes: generic over a class with a parameterless constructor.</summary>
    public sealed partial class Pool<T> where T : class, new()
    {
        private readonly Stack<T> _free = new();
        public int Created { get; private set; }

        [PollAsync]
        public async Future<T> Rent()
        {
            await Future.Yield();
            if (_free.TryPop(out var item)) return item;
            Created++;
            var fresh = new T();
            await Future.Yield();
            return fresh;
        }

        public async Task<T> RentTask()
        {
            await Task.Yield();
            if (_free.TryPop(out var item)) return item;
            Created++;
            var fresh = new T();
            await Task.Yield();
            return fresh;
        }

        public void Return(T item) => _free.Push(item);
    }

    [PollAsync]
    private static async Future<string> UsePool(Pool<Widget> pool)
    {
        var a = await pool.Rent();
        a.Uses++;
        pool.Return(a);
        var b = await pool.Rent();
        b.Uses += await Later(10);
        var c = await pool.Rent();
        return $"{ReferenceEquals(a, b)} {b} {c} {pool.Created}";
    }

    private static async Task<string> UsePoolTask(Pool<Widget> pool)
    {
        var a = await pool.RentTask();
        a.Uses++;
        pool.Return(a);
        var b = await pool.RentTask();
        b.Uses += await LaterTask(10);
        var c = await pool.RentTask();
        return $"{ReferenceEquals(a, b)} {b} {c} {pool.Created}";
    }

    [Fact]
    public async Task A_generic_pool_over_a_new_constraint_matches_async_Task()
    {
        Assert.Equal(await UsePoolTask(new Pool<Widget>()), Executor.BlockOn(UsePool(new Pool<Widget>())));
    }

    [PollAsync]
    private static async Future<string> Unmanaged<T>(T[] values) where T : unmanaged, IEquatable<T>
    {
        var size = Unsafe.SizeOf<T>();
        var count = 0;
        T last = default;
        foreach (var value in values)
        {
            var next = await Later(value);
            if (!next.Equals(last)) count++;
            last = next;
        }
        return $"{size} {count} {last} {typeof(T).Name}";
    }

    private static async Task<string> UnmanagedTask<T>(T[] values) where T : unmanaged, IEquatable<T>
    {
        var size = Unsafe.SizeOf<T>();
        var count = 0;
        T last = default;
        foreach (var value in values)
        {
            var next = await LaterTask(value);
            if (!next.Equals(last)) count++;
            last = next;
        }
        return $"{size} {count} {last} {typeof(T).Name}";
    }

    [Fact]
    public async Task An_unmanaged_constraint_with_default_and_sizes_matches_async_Task()
    {
        Assert.Equal(await UnmanagedTask(new long[] { 0, 1, 1, 2 }), Executor.BlockOn(Unmanaged(new long[] { 0, 1, 1, 2 })));
        Assert.Equal(await UnmanagedTask(new byte[] { 3, 3 }), Executor.BlockOn(Unmanaged(new byte[] { 3, 3 })));
    }

    public interface IParseable<TSelf> where TSelf : IParseable<TSelf>
    {
        static abstract TSelf Parse(string text);
        static virtual string Kind => typeof(TSelf).Name;
    }

    public readonly record struct Port(int Number) : IParseable<Port>
    {
        public static Port Parse(string text) => new(int.Parse(text));
    }

    public sealed record Host(string Name) : IParseable<Host>
    {
        public static Host Parse(string text) => new(text.Trim().ToLowerInvariant());
        public static string Kind => "host name";
    }

    /// <summary>A registry of settings parsed by the static abstract member of the generic containing type.</summary>
    public sealed partial class Setting<T> where T : IParseable<T>
    {
        private readonly Dictionary<string, string> _raw;
        public Setting(Dictionary<string, string> raw) => _raw = raw;

        [PollAsync]
        public async Future<(T Value, string Kind)> Load(string key)
        {
            var text = await Later(_raw[key]);
            var value = T.Parse(text);
            await Future.Yield();
            return (value, T.Kind);
        }

        public async Task<(T Value, string Kind)> LoadTask(string key)
        {
            var text = await LaterTask(_raw[key]);
            var value = T.Parse(text);
            await Task.Yield();
            return (value, T.Kind);
        }
    }

    [Fact]
    public async Task Static_abstract_and_static_virtual_members_of_a_containing_types_parameter_match_async_Task()
    {
        var raw = new Dictionary<string, string> { ["port"] = "8080", ["host"] = " Example.COM " };
        Assert.Equal(await new Setting<Port>(raw).LoadTask("port"), Executor.BlockOn(new Setting<Port>(raw).Load("port")));
        Assert.Equal(await new Setting<Host>(raw).LoadTask("host"), Executor.BlockOn(new Setting<Host>(raw).Load("host")));
    }

    [PollAsync]
    private static async Future<List<TOut>> MapAll<TIn, TOut>(IReadOnlyList<TIn> items, Func<TIn, TOut> map)
        where TIn : notnull
        where TOut : class
    {
        var results = new List<TOut>(items.Count);
        TOut? previous = null;
        for (var i = 0; i < items.Count; i++)
        {
            var mapped = map(await Later(items[i]));
            if (!ReferenceEquals(mapped, previous)) results.Add(mapped);
            previous = mapped;
        }
        return results;
    }

    private static async Task<List<TOut>> MapAllTask<TIn, TOut>(IReadOnlyList<TIn> items, Func<TIn, TOut> map)
        where TIn : notnull
        where TOut : class
    {
        var results = new List<TOut>(items.Count);
        TOut? previous = null;
        for (var i = 0; i < items.Count; i++)
        {
            var mapped = map(await LaterTask(items[i]));
            if (!ReferenceEquals(mapped, previous)) results.Add(mapped);
            previous = mapped;
        }
        return results;
    }

    [Fact]
    public async Task Two_type_parameters_with_class_and_notnull_constraints_match_async_Task()
    {
        var cache = new Dictionary<int, string>();
        string Name(int n) => cache.TryGetValue(n / 2, out var s) ? s : cache[n / 2] = $"n{n / 2}";
        Assert.Equal(await MapAllTask([1, 2, 3, 4], Name), Executor.BlockOn(MapAll([1, 2, 3, 4], Name)));
    }

    [PollAsync]
    private static async Future<string> GenericLocalFunctions<T>(T seed) where T : IComparable<T>
    {
        var log = new List<string>();
        TOther Track<TOther>(TOther value)
        {
            log.Add($"{typeof(TOther).Name}={value}");
            return value;
        }
        static bool Bigger<TValue>(TValue a, TValue b) where TValue : IComparable<TValue> => a.CompareTo(b) > 0;
        var first = Track(await Later(seed));
        var bigger = Bigger(first, seed);
        var text = Track(await Later($"{first}!"));
        return $"{string.Join(",", log)} {bigger} {text}";
    }

    private static async Task<string> GenericLocalFunctionsTask<T>(T seed) where T : IComparable<T>
    {
        var log = new List<string>();
        TOther Track<TOther>(TOther value)
        {
            log.Add($"{typeof(TOther).Name}={value}");
            return value;
        }
        static bool Bigger<TValue>(TValue a, TValue b) where TValue : IComparable<TValue> => a.CompareTo(b) > 0;
        var first = Track(await LaterTask(seed));
        var bigger = Bigger(first, seed);
        var text = Track(await LaterTask($"{first}!"));
        return $"{string.Join(",", log)} {bigger} {text}";
    }

    [Fact]
    public async Task Generic_local_functions_inside_a_generic_method_match_async_Task()
    {
        Assert.Equal(await GenericLocalFunctionsTask(42), Executor.BlockOn(GenericLocalFunctions(42)));
    }
}
