namespace AsyncGen.Newcomer.Tests;

/// <summary>
/// Struct resources in <c>using</c>, custom event accessors, anonymous types passed to generic [PollAsync] methods
/// and copied with <c>with</c>, named arguments out of order, null-conditional reads of dictionaries: each beside
/// the same code as <c>async Task</c>.
/// </summary>
public partial class ResourceAndAnonymousShapeTests
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

    /// <summary>A mutable struct resource: Dispose must see the marks made through the using variable.</summary>
    public struct Span2 : IDisposable
    {
        private readonly List<string> _log;
        private int _marks;
        public Span2(List<string> log, string name) { _log = log; Name = name; _marks = 0; }
        public string Name { get; }
        public void Mark() => _marks++;
        public readonly void Dispose() => _log.Add($"dispose {Name} after {_marks} marks");
    }

    [PollAsync]
    private static async Future<string> StructResources(List<string> log)
    {
        using var outer = new Span2(log, "outer");
        outer.Mark();
        await Later(log, 1);
        outer.Mark();
        using (var inner = new Span2(log, "inner"))
        {
            inner.Mark();
            inner.Mark();
            await Later(log, 2);
            inner.Mark();
        }
        var copy = outer;
        copy.Mark();
        using (copy)
        {
            copy.Mark();
            await Later(log, 3);
        }
        outer.Mark();
        return "done";
    }

    private static async Task<string> StructResourcesTask(List<string> log)
    {
        using var outer = new Span2(log, "outer");
        outer.Mark();
        await LaterTask(log, 1);
        outer.Mark();
        using (var inner = new Span2(log, "inner"))
        {
            inner.Mark();
            inner.Mark();
            await LaterTask(log, 2);
            inner.Mark();
        }
        var copy = outer;
        copy.Mark();
        using (copy)
        {
            copy.Mark();
            await LaterTask(log, 3);
        }
        outer.Mark();
        return "done";
    }

    [Fact]
    public async Task Mutable_struct_resources_disposed_after_awaits_match_async_Task()
    {
        var (futureLog, taskLog) = (new List<string>(), new List<string>());
        Assert.Equal(await StructResourcesTask(taskLog), Executor.BlockOn(StructResources(futureLog)));
        Assert.Equal(taskLog, futureLog);
    }

    public sealed class Bus
    {
        private readonly List<Action<string>> _handlers = [];
        public List<string> Audit { get; } = [];

        public event Action<string> Message
        {
            add { Audit.Add("add"); _handlers.Add(value); }
            remove { Audit.Add("remove"); _handlers.Remove(value); }
        }

        public void Publish(string text)
        {
            foreach (var handler in _handlers.ToArray()) handler(text);
        }
    }

    [PollAsync]
    private static async Future<string> CustomEventAccessors(List<string> log)
    {
        var bus = new Bus();
        var received = new List<string>();
        Action<string> keep = m => received.Add("keep " + m);
        bus.Message += await Later(log, keep);
        bus.Message += m => received.Add("once " + m);
        bus.Publish(await Later(log, "a"));
        bus.Message -= await Later(log, keep);
        bus.Publish("b");
        return $"{string.Join(",", received)} {string.Join(",", bus.Audit)}";
    }

    private static async Task<string> CustomEventAccessorsTask(List<string> log)
    {
        var bus = new Bus();
        var received = new List<string>();
        Action<string> keep = m => received.Add("keep " + m);
        bus.Message += await LaterTask(log, keep);
        bus.Message += m => received.Add("once " + m);
        bus.Publish(await LaterTask(log, "a"));
        bus.Message -= await LaterTask(log, keep);
        bus.Publish("b");
        return $"{string.Join(",", received)} {string.Join(",", bus.Audit)}";
    }

    [Fact]
    public async Task Events_with_custom_add_and_remove_accessors_and_awaited_handlers_match_async_Task()
    {
        var (futureLog, taskLog) = (new List<string>(), new List<string>());
        Assert.Equal(await CustomEventAccessorsTask(taskLog), Executor.BlockOn(CustomEventAccessors(futureLog)));
        Assert.Equal(taskLog, futureLog);
    }

    [PollAsync]
    private static async Future<string> AnonymousThroughGenerics(List<string> log)
    {
        // Awaiting a [PollAsync] call with an anonymous type argument is AG0005 (SecondNewcomerRoundDiagnosticTests).
        var item = new { Id = await Later(log, 1), Name = "pen" };
        var renamed = item with { Name = await Later(log, "ink") };
        var items = new[] { item, renamed };
        var pair = (item, Count: await Later(log, 2));
        var grouped = items.GroupBy(i => i.Id).Select(g => new { g.Key, Names = string.Join("+", g.Select(i => i.Name)) }).ToList();
        var first = grouped[await Later(log, 0)];
        return $"{item} {renamed} {items.Length} {pair.item.Name}x{pair.Count} {first.Key}:{first.Names} {item.Equals(new { Id = 1, Name = "pen" })}";
    }

    private static async Task<string> AnonymousThroughGenericsTask(List<string> log)
    {
        // Awaiting a [PollAsync] call with an anonymous type argument is AG0005 (SecondNewcomerRoundDiagnosticTests).
        var item = new { Id = await LaterTask(log, 1), Name = "pen" };
        var renamed = item with { Name = await LaterTask(log, "ink") };
        var items = new[] { item, renamed };
        var pair = (item, Count: await LaterTask(log, 2));
        var grouped = items.GroupBy(i => i.Id).Select(g => new { g.Key, Names = string.Join("+", g.Select(i => i.Name)) }).ToList();
        var first = grouped[await LaterTask(log, 0)];
        return $"{item} {renamed} {items.Length} {pair.item.Name}x{pair.Count} {first.Key}:{first.Names} {item.Equals(new { Id = 1, Name = "pen" })}";
    }

    [Fact]
    public async Task Anonymous_types_inferred_by_generic_PollAsync_calls_and_copied_with_with_match_async_Task()
    {
        var (futureLog, taskLog) = (new List<string>(), new List<string>());
        Assert.Equal(await AnonymousThroughGenericsTask(taskLog), Executor.BlockOn(AnonymousThroughGenerics(futureLog)));
        Assert.Equal(taskLog, futureLog);
    }

    [PollAsync]
    private static async Future<string> Format(string name, int times = 1, string separator = ",", params int[] extra)
    {
        await Future.Yield();
        return string.Join(separator, Enumerable.Repeat(name, times)) + $"[{string.Join(";", extra)}]";
    }

    private static async Task<string> FormatTask(string name, int times = 1, string separator = ",", params int[] extra)
    {
        await Task.Yield();
        return string.Join(separator, Enumerable.Repeat(name, times)) + $"[{string.Join(";", extra)}]";
    }

    private static T Note<T>(List<string> log, T value)
    {
        log.Add($"note {value}");
        return value;
    }

    [PollAsync]
    private static async Future<string> NamedArguments(List<string> log)
    {
        var a = await Format(separator: Note(log, "-"), name: await Later(log, "x"), times: Note(log, 3));
        var b = await Format(times: await Later(log, 2), name: Note(log, "y"));
        var c = await Format(Note(log, "z"), extra: [await Later(log, 7), 8]);
        var d = await Format("w", 1, "/", await Later(log, 1), Note(log, 2), 3);
        return $"{a} {b} {c} {d}";
    }

    private static async Task<string> NamedArgumentsTask(List<string> log)
    {
        var a = await FormatTask(separator: Note(log, "-"), name: await LaterTask(log, "x"), times: Note(log, 3));
        var b = await FormatTask(times: await LaterTask(log, 2), name: Note(log, "y"));
        var c = await FormatTask(Note(log, "z"), extra: [await LaterTask(log, 7), 8]);
        var d = await FormatTask("w", 1, "/", await LaterTask(log, 1), Note(log, 2), 3);
        return $"{a} {b} {c} {d}";
    }

    [Fact]
    public async Task Named_arguments_out_of_order_and_params_with_awaits_evaluate_in_source_order_as_async_Task()
    {
        var (futureLog, taskLog) = (new List<string>(), new List<string>());
        Assert.Equal(await NamedArgumentsTask(taskLog), Executor.BlockOn(NamedArguments(futureLog)));
        Assert.Equal(taskLog, futureLog);
    }

    public readonly record struct Stock(string Sku, int Count);

    [PollAsync]
    private static async Future<string> NullConditionalLookups(List<string> log, Dictionary<string, List<Stock>>? warehouses)
    {
        var first = warehouses?[await Later(log, "north")]?[0].Count;
        var missing = warehouses?.GetValueOrDefault(await Later(log, "south"))?.Count ?? -1;
        var total = warehouses?["north"].Sum(s => s.Count) + await Later(log, 100);
        var skus = warehouses?.Values.SelectMany(v => v).Select(s => s.Sku).FirstOrDefault(s => s.StartsWith(Prefix(log)));
        return $"{first?.ToString() ?? "none"} {missing} {total?.ToString() ?? "none"} {skus ?? "none"}";

        static string Prefix(List<string> log)
        {
            log.Add("prefix");
            return "b";
        }
    }

    private static async Task<string> NullConditionalLookupsTask(List<string> log, Dictionary<string, List<Stock>>? warehouses)
    {
        var first = warehouses?[await LaterTask(log, "north")]?[0].Count;
        var missing = warehouses?.GetValueOrDefault(await LaterTask(log, "south"))?.Count ?? -1;
        var total = warehouses?["north"].Sum(s => s.Count) + await LaterTask(log, 100);
        var skus = warehouses?.Values.SelectMany(v => v).Select(s => s.Sku).FirstOrDefault(s => s.StartsWith(Prefix(log)));
        return $"{first?.ToString() ?? "none"} {missing} {total?.ToString() ?? "none"} {skus ?? "none"}";

        static string Prefix(List<string> log)
        {
            log.Add("prefix");
            return "b";
        }
    }

    [Fact]
    public async Task Null_conditional_lookups_with_awaited_keys_match_async_Task()
    {
        foreach (var warehouses in new[] { null, new Dictionary<string, List<Stock>> { ["north"] = [new("a1", 2), new("b2", 5)] } })
        {
            var (futureLog, taskLog) = (new List<string>(), new List<string>());
            Assert.Equal(await NullConditionalLookupsTask(taskLog, warehouses), Executor.BlockOn(NullConditionalLookups(futureLog, warehouses)));
            Assert.Equal(taskLog, futureLog);
        }
    }
}
