// Expressions a newcomer puts awaits into: anonymous types between awaits, object and collection initializers,
// collection expressions with spreads, out variables next to an awaited argument, throw expressions, conditional
// access with an awaited argument, interpolated strings appended to a StringBuilder (an interpolated string handler).

public sealed class NbOrder
{
    public string Customer { get; set; } = "";
    public List<string> Lines { get; } = new();
    public int Total { get; set; }
}

public static partial class P_NbAnonymousTypesBetweenAwaits
{
    // Anonymous types between awaits, with awaits inside their member initializers (the generator used to refuse
    // those: AG0005); kept across awaits, see 41_AnonymousTypesAcrossAwaits.
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var sum = 0;
        {
            var point = new { X = 1, Y = await Ops.Value(2) };
            sum += point.X + point.Y;
        }
        await Ops.Yield();
        var person = new NaPerson("ann", 30);
        var best = new[] { new { Name = "b", Score = await Ops.Value(5), person.Age }, new { Name = "a", Score = 3, Age = 40 } }
            .OrderByDescending(r => r.Score).Select(r => r.Name + "/" + r.Age).First();
        await Ops.Yield();
        return $"{sum} {best}";
    }
}

public static partial class P_NbInitializersWithAwaits
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var order = new NbOrder
        {
            Customer = await Ops.Value("ann"),
            Lines = { "tea", await Ops.Value("cake") },
            Total = await Ops.Value(7),
        };
        var prices = new Dictionary<string, int> { ["tea"] = 2, [await Ops.Value("cake")] = await Ops.Value(5) };
        List<int> all = [1, await Ops.Value(2), .. await Ops.Value(new[] { 3, 4 })];
        return $"{order.Customer} {string.Join("+", order.Lines)} {order.Total} {prices["cake"]} {string.Join(",", all)}";
    }
}

public static partial class P_NbOutVariablesThrowExpressionsAndConditionalAccess
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var parsed = int.TryParse(await Ops.Value("42"), out var number);
        var name = await Ops.Value<string?>("bo") ?? throw new InvalidOperationException("no name");
        NbOrder? order = await Ops.Value<NbOrder?>(null);
        order?.Lines.Add(await Ops.Value("never"));
        var some = new NbOrder();
        some?.Lines.Add(await Ops.Value("added"));
        try
        {
            _ = await Ops.Value<string?>(null) ?? throw new InvalidOperationException("missing");
        }
        catch (InvalidOperationException e)
        {
            log.Add(e.Message);
        }
        return $"{parsed} {number} {name} {order is null} {string.Join(",", some!.Lines)}";
    }
}

public static partial class P_NbInterpolatedStringHandlers
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var builder = new System.Text.StringBuilder();
        builder.Append($"a={await Ops.Value(1)};");
        builder.Append($"b={await Ops.Value(2.5):F1};");
        builder.AppendLine($"c={await Ops.Value("x"),3}|");
        var formatted = string.Format(System.Globalization.CultureInfo.InvariantCulture, "{0}", await Ops.Value(1.5));
        return builder.ToString().TrimEnd() + " " + formatted;
    }
}
