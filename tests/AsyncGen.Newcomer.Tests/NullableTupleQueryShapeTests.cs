namespace AsyncGen.Newcomer.Tests;

/// <summary>
/// Lifted nullable operators, tuples and nested initializers with awaits, beside the same code as
/// <c>async Task</c>: <c>n += await x</c> on a null <c>int?</c>, tuple equality, indexer and nested member
/// initializers, <c>goto case</c>, queries over awaited sources, nested deconstruction in <c>foreach</c>.
/// </summary>
public partial class NullableTupleQueryShapeTests
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

    public sealed class Order
    {
        public Customer Customer { get; } = new();
        public List<Line> Lines { get; } = [];
        public Dictionary<string, int> Extras { get; } = [];
        public int? Discount { get; set; }
    }

    public sealed class Customer
    {
        public string? Name { get; set; }
        public int Visits { get; set; }
    }

    public sealed record Line(string Sku, int Quantity);

    [PollAsync]
    private static async Future<string> Values(int? start, string kind)
    {
        int? n = start;
        n += await Later(1);
        n ??= await Later(50);
        int? missing = null;
        var lifted = missing * await Later(3);
        var text = n?.ToString() ?? await Later("none");
        var pair = (await Later(1), (await Later("x"), n));
        var equal = pair == (1, ("x", n)) && (await Later(2), 3) != (2, await Later(4));
        var order = new Order
        {
            Customer = { Name = await Later("ada"), Visits = await Later(2) },
            Lines = { new Line("a", await Later(1)), new Line(await Later("b"), 2) },
            Extras = { ["gift"] = await Later(5), ["wrap"] = 1 },
            Discount = start is null ? null : await Later(10),
        };
        var code = 0;
        switch (kind)
        {
            case "retry":
                code += await Later(1);
                goto case "ok";
            case "ok":
                code += 10;
                await Future.Yield();
                break;
            default:
                code = -1;
                goto case "ok";
        }
        var query = from line in await Later(order.Lines)
                    where line.Quantity > 0
                    orderby line.Sku descending
                    select $"{line.Sku}{line.Quantity}";
        var nested = new List<(string Key, (int A, int B) Value)> { ("p", (1, 2)), ("q", (3, 4)) };
        var sums = new List<string>();
        foreach (var (key, (a, b)) in nested) sums.Add($"{key}{a + b + await Later(0)}");
        return $"{n} {lifted?.ToString() ?? "null"} {text} {pair} {equal} {order.Customer.Name}/{order.Customer.Visits} {string.Join(",", order.Lines)} {string.Join(",", order.Extras)} {order.Discount} {code} {string.Join(",", query)} {string.Join(",", sums)}";
    }

    private static async Task<string> ValuesTask(int? start, string kind)
    {
        int? n = start;
        n += await LaterTask(1);
        n ??= await LaterTask(50);
        int? missing = null;
        var lifted = missing * await LaterTask(3);
        var text = n?.ToString() ?? await LaterTask("none");
        var pair = (await LaterTask(1), (await LaterTask("x"), n));
        var equal = pair == (1, ("x", n)) && (await LaterTask(2), 3) != (2, await LaterTask(4));
        var order = new Order
        {
            Customer = { Name = await LaterTask("ada"), Visits = await LaterTask(2) },
            Lines = { new Line("a", await LaterTask(1)), new Line(await LaterTask("b"), 2) },
            Extras = { ["gift"] = await LaterTask(5), ["wrap"] = 1 },
            Discount = start is null ? null : await LaterTask(10),
        };
        var code = 0;
        switch (kind)
        {
            case "retry":
                code += await LaterTask(1);
                goto case "ok";
            case "ok":
                code += 10;
                await Task.Yield();
                break;
            default:
                code = -1;
                goto case "ok";
        }
        var query = from line in await LaterTask(order.Lines)
                    where line.Quantity > 0
                    orderby line.Sku descending
                    select $"{line.Sku}{line.Quantity}";
        var nested = new List<(string Key, (int A, int B) Value)> { ("p", (1, 2)), ("q", (3, 4)) };
        var sums = new List<string>();
        foreach (var (key, (a, b)) in nested) sums.Add($"{key}{a + b + await LaterTask(0)}");
        return $"{n} {lifted?.ToString() ?? "null"} {text} {pair} {equal} {order.Customer.Name}/{order.Customer.Visits} {string.Join(",", order.Lines)} {string.Join(",", order.Extras)} {order.Discount} {code} {string.Join(",", query)} {string.Join(",", sums)}";
    }

    [Theory]
    [InlineData(null, "retry")]
    [InlineData(4, "ok")]
    [InlineData(0, "other")]
    public async Task Lifted_nullables_tuples_nested_initializers_goto_case_and_queries_match_async_Task(int? start, string kind)
    {
        Assert.Equal(await ValuesTask(start, kind), Executor.BlockOn(Values(start, kind)));
    }

    public interface IWorker
    {
        Future<int> Work(int input);
    }

    public sealed partial class Doubler : IWorker
    {
        [PollAsync]
        public async Future<int> Work(int input)
        {
            await Future.Yield();
            return input * 2;
        }
    }

    [PollAsync]
    private static async Future<int> ThroughTheClass(Doubler doubler) => await doubler.Work(await Later(21));

    [Fact]
    public void A_PollAsync_method_implementing_an_interface_called_on_its_sealed_class()
    {
        Assert.Equal(42, Executor.BlockOn(ThroughTheClass(new Doubler())));
        Assert.Equal(8, Executor.BlockOn(new Doubler().Work(4)));
    }
}
