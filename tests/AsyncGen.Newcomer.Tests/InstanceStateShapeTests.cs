namespace AsyncGen.Newcomer.Tests;

/// <summary>
/// Instance methods of a class changing its fields across awaits, with lambdas and local functions over
/// <c>this</c>, and a non-generic <c>Future</c> that returns early from nested loops, beside the same code as
/// <c>async Task</c>.
/// </summary>
public partial class InstanceStateShapeTests
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

    public sealed partial class Inventory
    {
        private readonly Dictionary<string, int> _stock = new() { ["apple"] = 3, ["pear"] = 0 };
        private int _moves;
        public List<string> Log { get; } = [];

        public int this[string item]
        {
            get => _stock.TryGetValue(item, out var n) ? n : 0;
            set { Log.Add($"set {item}={value}"); _stock[item] = value; }
        }

        [PollAsync]
        public async Future Restock(string[] items, int limit)
        {
            foreach (var item in items)
            {
                for (var round = 0; round < 3; round++)
                {
                    this[item] += await Later(2);
                    _moves++;
                    if (_moves >= limit) return;
                    if (this[item] > 5) break;
                }
                Func<string, bool> empty = name => this[name] == 0;
                if (empty(await Later("pear"))) Log.Add("pear empty");
                void Note(string text) => Log.Add($"{_moves}: {text}");
                Note(await Later(item));
            }
            Log.Add("done");
        }

        public string Report => $"{string.Join(",", _stock.OrderBy(p => p.Key))} {_moves} | {string.Join("; ", Log)}";
    }

    public sealed class InventoryTask
    {
        private readonly Dictionary<string, int> _stock = new() { ["apple"] = 3, ["pear"] = 0 };
        private int _moves;
        public List<string> Log { get; } = [];

        public int this[string item]
        {
            get => _stock.TryGetValue(item, out var n) ? n : 0;
            set { Log.Add($"set {item}={value}"); _stock[item] = value; }
        }

        public async Task Restock(string[] items, int limit)
        {
            foreach (var item in items)
            {
                for (var round = 0; round < 3; round++)
                {
                    this[item] += await LaterTask(2);
                    _moves++;
                    if (_moves >= limit) return;
                    if (this[item] > 5) break;
                }
                Func<string, bool> empty = name => this[name] == 0;
                if (empty(await LaterTask("pear"))) Log.Add("pear empty");
                void Note(string text) => Log.Add($"{_moves}: {text}");
                Note(await LaterTask(item));
            }
            Log.Add("done");
        }

        public string Report => $"{string.Join(",", _stock.OrderBy(p => p.Key))} {_moves} | {string.Join("; ", Log)}";
    }

    [Theory]
    [InlineData(100)]
    [InlineData(3)]
    public async Task Instance_state_this_indexers_and_early_return_from_nested_loops_match_async_Task(int limit)
    {
        string[] items = ["apple", "kiwi", "pear"];
        var expected = new InventoryTask();
        await expected.Restock(items, limit);
        var actual = new Inventory();
        Executor.BlockOn(actual.Restock(items, limit));
        Assert.Equal(expected.Report, actual.Report);
    }
}
