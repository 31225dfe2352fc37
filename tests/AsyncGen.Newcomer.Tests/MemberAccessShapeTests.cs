using System.Runtime.CompilerServices;

namespace AsyncGen.Newcomer.Tests;

/// <summary>
/// Events, delegates, indexers, properties, <c>ref</c>/<c>out</c> arguments and caller-info arguments around
/// awaits, as a newcomer writes an inventory and a settings loader, each beside the same code as <c>async Task</c>.
/// </summary>
public partial class MemberAccessShapeTests
{
    [PollAsync]
    private static async Future<T> Later<T>(List<string> log, T value)
    {
        log.Add($"later {value}");
        await Future.Yield();
        return value;
    }

    private static async Task<T> LaterTask<T>(List<string> log, T value)
    {
        log.Add($"later {value}");
        await Task.Yield();
        return value;
    }

    public sealed class Thermostat
    {
        public event Action<string>? Changed;
        public Action<string>? OnError;
        public void Raise(string text) { Changed?.Invoke(text); OnError?.Invoke("err " + text); }
    }

    [PollAsync]
    private static async Future<string> Events(List<string> log)
    {
        var seen = new List<string>();
        var thermostat = new Thermostat();
        Action<string> first = text => seen.Add("first " + text);
        thermostat.Changed += await Later(log, first);
        thermostat.Changed += text => seen.Add("second " + text);
        thermostat.OnError += await Later(log, (Action<string>)(text => seen.Add(text)));
        thermostat.Raise(await Later(log, "a"));
        thermostat.Changed -= await Later(log, first);
        thermostat.Raise("b");
        Func<int, int> pipeline = x => x + 1;
        pipeline += await Later(log, (Func<int, int>)(x => x * 10));
        return $"{string.Join(",", seen)} {pipeline(2)} {pipeline.GetInvocationList().Length}";
    }

    private static async Task<string> EventsTask(List<string> log)
    {
        var seen = new List<string>();
        var thermostat = new Thermostat();
        Action<string> first = text => seen.Add("first " + text);
        thermostat.Changed += await LaterTask(log, first);
        thermostat.Changed += text => seen.Add("second " + text);
        thermostat.OnError += await LaterTask(log, (Action<string>)(text => seen.Add(text)));
        thermostat.Raise(await LaterTask(log, "a"));
        thermostat.Changed -= await LaterTask(log, first);
        thermostat.Raise("b");
        Func<int, int> pipeline = x => x + 1;
        pipeline += await LaterTask(log, (Func<int, int>)(x => x * 10));
        return $"{string.Join(",", seen)} {pipeline(2)} {pipeline.GetInvocationList().Length}";
    }

    [Fact]
    public async Task Event_and_delegate_subscriptions_with_awaited_handlers_match_async_Task()
    {
        var (futureLog, taskLog) = (new List<string>(), new List<string>());
        Assert.Equal(await EventsTask(taskLog), Executor.BlockOn(Events(futureLog)));
        Assert.Equal(taskLog, futureLog);
    }

    /// <summary>An event declared by the class whose [PollAsync] member subscribes to it.</summary>
    public sealed partial class Station
    {
        public event EventHandler<int>? Reading;
        private int _total;

        [PollAsync]
        public async Future<int> Listen(List<string> log)
        {
            Reading += (_, value) => _total += value;
            Reading += await Later(log, (EventHandler<int>)((_, value) => log.Add($"read {value}")));
            Reading?.Invoke(this, await Later(log, 4));
            Reading?.Invoke(this, 5);
            return _total;
        }

        public async Task<int> ListenTask(List<string> log)
        {
            Reading += (_, value) => _total += value;
            Reading += await LaterTask(log, (EventHandler<int>)((_, value) => log.Add($"read {value}")));
            Reading?.Invoke(this, await LaterTask(log, 4));
            Reading?.Invoke(this, 5);
            return _total;
        }
    }

    [Fact]
    public async Task A_field_like_event_of_the_containing_class_matches_async_Task()
    {
        var (futureLog, taskLog) = (new List<string>(), new List<string>());
        Assert.Equal(await new Station().ListenTask(taskLog), Executor.BlockOn(new Station().Listen(futureLog)));
        Assert.Equal(taskLog, futureLog);
    }

    public sealed class Grid
    {
        private readonly Dictionary<(int, int), int> _cells = new();
        public List<string>? Log { get; set; }
        public int this[int row, int column]
        {
            get { Log?.Add($"get {row},{column}"); return _cells.GetValueOrDefault((row, column)); }
            set { Log?.Add($"set {row},{column}={value}"); _cells[(row, column)] = value; }
        }
        public int this[string name]
        {
            get => this[name.Length, 0];
            set => this[name.Length, 0] = value;
        }
    }

    [PollAsync]
    private static async Future<string> Indexers(List<string> log)
    {
        var grid = new Grid { Log = log };
        grid[await Later(log, 1), await Later(log, 2)] = await Later(log, 3);
        grid[1, await Later(log, 2)] += await Later(log, 10);
        grid[await Later(log, "ab")]++;
        grid["xy"] *= await Later(log, 5);
        var counts = new Dictionary<string, int>();
        foreach (var word in new[] { "a", "b", "a" })
        {
            counts[word] = counts.GetValueOrDefault(word) + await Later(log, 1);
        }
        var row = 0;
        grid[row++, row++] = await Later(log, row);
        return $"{grid[1, 2]} {grid[2, 0]} {counts["a"]} {counts["b"]} {grid[0, 1]} {row}";
    }

    private static async Task<string> IndexersTask(List<string> log)
    {
        var grid = new Grid { Log = log };
        grid[await LaterTask(log, 1), await LaterTask(log, 2)] = await LaterTask(log, 3);
        grid[1, await LaterTask(log, 2)] += await LaterTask(log, 10);
        grid[await LaterTask(log, "ab")]++;
        grid["xy"] *= await LaterTask(log, 5);
        var counts = new Dictionary<string, int>();
        foreach (var word in new[] { "a", "b", "a" })
        {
            counts[word] = counts.GetValueOrDefault(word) + await LaterTask(log, 1);
        }
        var row = 0;
        grid[row++, row++] = await LaterTask(log, row);
        return $"{grid[1, 2]} {grid[2, 0]} {counts["a"]} {counts["b"]} {grid[0, 1]} {row}";
    }

    [Fact]
    public async Task Indexers_with_awaits_in_their_arguments_and_values_match_async_Task()
    {
        var (futureLog, taskLog) = (new List<string>(), new List<string>());
        Assert.Equal(await IndexersTask(taskLog), Executor.BlockOn(Indexers(futureLog)));
        Assert.Equal(taskLog, futureLog);
    }

    public sealed class Settings
    {
        public List<string> Log { get; } = [];
        private int _retries;
        public int Retries { get { Log.Add("get retries"); return _retries; } set { Log.Add($"set retries {value}"); _retries = value; } }
        public string? Name { get; set; }
        public Settings Child => this;
    }

    [PollAsync]
    private static async Future<string> Properties(List<string> log, Settings settings)
    {
        settings.Retries += await Later(log, 3);
        settings.Child.Retries -= await Later(log, 1);
        settings.Retries++;
        settings.Name ??= await Later(log, "default");
        settings.Name ??= await Later(log, "never");
        settings.Name += await Later(log, "!");
        var old = settings.Retries++;
        return $"{settings.Retries} {settings.Name} {old} {string.Join(",", settings.Log)}";
    }

    private static async Task<string> PropertiesTask(List<string> log, Settings settings)
    {
        settings.Retries += await LaterTask(log, 3);
        settings.Child.Retries -= await LaterTask(log, 1);
        settings.Retries++;
        settings.Name ??= await LaterTask(log, "default");
        settings.Name ??= await LaterTask(log, "never");
        settings.Name += await LaterTask(log, "!");
        var old = settings.Retries++;
        return $"{settings.Retries} {settings.Name} {old} {string.Join(",", settings.Log)}";
    }

    [Fact]
    public async Task Compound_assignments_to_properties_with_getter_and_setter_side_effects_match_async_Task()
    {
        var (futureLog, taskLog) = (new List<string>(), new List<string>());
        Assert.Equal(await PropertiesTask(taskLog, new Settings()), Executor.BlockOn(Properties(futureLog, new Settings())));
        Assert.Equal(taskLog, futureLog);
    }

    private static void Add(ref int target, int amount) => target += amount;
    private static bool TryHalve(int value, out int half)
    {
        half = value / 2;
        return value % 2 == 0;
    }

    [PollAsync]
    private static async Future<string> RefAndOutArguments(List<string> log)
    {
        var total = 1;
        Add(ref total, await Later(log, 5));
        var slots = new int[3];
        var i = 0;
        Add(ref slots[i], await Later(log, i++));
        Add(ref slots[i], 7);
        var even = TryHalve(await Later(log, 10), out var half);
        await Future.Yield();
        var odd = TryHalve(await Later(log, 7), out half);
        Interlocked.Increment(ref total);
        await Future.Yield();
        Interlocked.Add(ref total, await Later(log, 100));
        return $"{total} {string.Join(",", slots)} {i} {even} {odd} {half}";
    }

    private static async Task<string> RefAndOutArgumentsTask(List<string> log)
    {
        var total = 1;
        Add(ref total, await LaterTask(log, 5));
        var slots = new int[3];
        var i = 0;
        Add(ref slots[i], await LaterTask(log, i++));
        Add(ref slots[i], 7);
        var even = TryHalve(await LaterTask(log, 10), out var half);
        await Task.Yield();
        var odd = TryHalve(await LaterTask(log, 7), out half);
        Interlocked.Increment(ref total);
        await Task.Yield();
        Interlocked.Add(ref total, await LaterTask(log, 100));
        return $"{total} {string.Join(",", slots)} {i} {even} {odd} {half}";
    }

    [Fact]
    public async Task Ref_and_out_arguments_beside_awaited_arguments_match_async_Task()
    {
        var (futureLog, taskLog) = (new List<string>(), new List<string>());
        Assert.Equal(await RefAndOutArgumentsTask(taskLog), Executor.BlockOn(RefAndOutArguments(futureLog)));
        Assert.Equal(taskLog, futureLog);
    }

    private static string Describe(object? value, [CallerArgumentExpression(nameof(value))] string expression = "") =>
        $"{expression}={value}";

    [PollAsync]
    private static async Future<string> NamesOfThings(List<string> log, string? customer)
    {
        var parts = new List<string>();
        var retryCount = await Later(log, 2);
        parts.Add(nameof(retryCount));
        parts.Add(nameof(customer));
        await Future.Yield();
        parts.Add(Describe(retryCount));
        parts.Add(Describe(retryCount + 1));
        parts.Add(Describe(customer?.Length));
        try
        {
            ArgumentNullException.ThrowIfNull(customer);
        }
        catch (ArgumentNullException e)
        {
            parts.Add(e.ParamName!);
        }
        try
        {
            ArgumentOutOfRangeException.ThrowIfNegative(retryCount - await Later(log, 5));
        }
        catch (ArgumentOutOfRangeException e)
        {
            parts.Add(e.ParamName!);
        }
        return string.Join(" | ", parts);
    }

    private static async Task<string> NamesOfThingsTask(List<string> log, string? customer)
    {
        var parts = new List<string>();
        var retryCount = await LaterTask(log, 2);
        parts.Add(nameof(retryCount));
        parts.Add(nameof(customer));
        await Task.Yield();
        parts.Add(Describe(retryCount));
        parts.Add(Describe(retryCount + 1));
        parts.Add(Describe(customer?.Length));
        try
        {
            ArgumentNullException.ThrowIfNull(customer);
        }
        catch (ArgumentNullException e)
        {
            parts.Add(e.ParamName!);
        }
        try
        {
            ArgumentOutOfRangeException.ThrowIfNegative(retryCount - await LaterTask(log, 5));
        }
        catch (ArgumentOutOfRangeException e)
        {
            parts.Add(e.ParamName!);
        }
        return string.Join(" | ", parts);
    }

    [Fact]
    public async Task Nameof_and_caller_argument_expressions_of_hoisted_variables_match_async_Task()
    {
        var (futureLog, taskLog) = (new List<string>(), new List<string>());
        // The last name is the argument's own text, which names each twin's helper.
        Assert.Equal((await NamesOfThingsTask(taskLog, null)).Replace("LaterTask(", "Later(", StringComparison.Ordinal),
            Executor.BlockOn(NamesOfThings(futureLog, null)));
        Assert.Equal(taskLog, futureLog);
    }

    public sealed class Order
    {
        public string Id { get; set; } = "";
        public List<string> Lines { get; } = [];
        public Address Ship { get; } = new();
        public Dictionary<string, int> Totals { get; } = new();
    }

    public sealed class Address
    {
        public string City { get; set; } = "";
        public int Zip { get; set; }
    }

    [PollAsync]
    private static async Future<string> NestedInitializers(List<string> log)
    {
        var order = new Order
        {
            Id = await Later(log, "o-1"),
            Lines = { "pen", await Later(log, "ink") },
            Ship = { City = await Later(log, "Oslo"), Zip = 150 },
            Totals = { ["pen"] = await Later(log, 2), ["ink"] = 1 },
        };
        Order other = new() { Id = $"{order.Id}-copy", Lines = { await Later(log, "paper") } };
        List<Address> addresses = [new() { City = await Later(log, "Rome") }, new Address { Zip = await Later(log, 7) }];
        return $"{order.Id} {string.Join("+", order.Lines)} {order.Ship.City}/{order.Ship.Zip} {order.Totals["pen"]} {other.Id} {other.Lines[0]} {addresses[0].City} {addresses[1].Zip}";
    }

    private static async Task<string> NestedInitializersTask(List<string> log)
    {
        var order = new Order
        {
            Id = await LaterTask(log, "o-1"),
            Lines = { "pen", await LaterTask(log, "ink") },
            Ship = { City = await LaterTask(log, "Oslo"), Zip = 150 },
            Totals = { ["pen"] = await LaterTask(log, 2), ["ink"] = 1 },
        };
        Order other = new() { Id = $"{order.Id}-copy", Lines = { await LaterTask(log, "paper") } };
        List<Address> addresses = [new() { City = await LaterTask(log, "Rome") }, new Address { Zip = await LaterTask(log, 7) }];
        return $"{order.Id} {string.Join("+", order.Lines)} {order.Ship.City}/{order.Ship.Zip} {order.Totals["pen"]} {other.Id} {other.Lines[0]} {addresses[0].City} {addresses[1].Zip}";
    }

    [Fact]
    public async Task Nested_object_collection_and_indexer_initializers_with_awaits_match_async_Task()
    {
        var (futureLog, taskLog) = (new List<string>(), new List<string>());
        Assert.Equal(await NestedInitializersTask(taskLog), Executor.BlockOn(NestedInitializers(futureLog)));
        Assert.Equal(taskLog, futureLog);
    }
}
