// An await in the collection of a query's join clause (`join o in await LoadOrders() on ... equals ...`), valid C#:
// the collection is evaluated in order (after the first from's collection) before the query runs.

public static class JoinData
{
    public static List<(int Id, string Name)> Customers(List<string> log)
    {
        log.Add("customers loaded");
        return new List<(int Id, string Name)> { (1, "Ann"), (2, "Bob"), (3, "Cy") };
    }

    public static List<(int CustomerId, decimal Total)> Orders(List<string> log)
    {
        log.Add("orders loaded");
        return new List<(int CustomerId, decimal Total)> { (1, 9.5m), (3, 20m), (1, 1m), (4, 7m) };
    }
}

public static partial class P_QueryJoinOnAwaitedCollection
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var customers = JoinData.Customers(log);
        var lines = from c in customers
                    join o in await Ops.Value(JoinData.Orders(log)) on c.Id equals o.CustomerId
                    select c.Name + " paid " + o.Total;
        return string.Join(", ", lines);
    }
}

public static partial class P_QueryJoinEvaluationOrder
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var minimum = await Ops.Value(5m);
        var big = (from c in JoinData.Customers(log)
                   join o in await Ops.Value(JoinData.Orders(log)) on c.Id equals o.CustomerId
                   where o.Total > minimum
                   orderby c.Name
                   select c.Name).ToList();
        log.Add("query ran after both loads");
        return string.Join("+", big) + " over " + minimum;
    }
}

public static partial class P_QueryTwoAwaitedJoinsAndGroupJoin
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var regions = new Dictionary<string, string> { ["Ann"] = "north", ["Cy"] = "south" };
        var report = from c in await Ops.Value(JoinData.Customers(log))
                     join o in await Ops.Value(JoinData.Orders(log)) on c.Id equals o.CustomerId into theirOrders
                     join r in await Ops.Value(regions.ToList()) on c.Name equals r.Key
                     select $"{c.Name}/{r.Value}/{theirOrders.Sum(x => x.Total)}";
        var text = string.Join("; ", report);
        await Ops.Yield();
        return text;
    }
}

public static partial class P_QueryJoinInsideALoop
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var results = new List<string>();
        var customers = JoinData.Customers(log);
        for (int round = 1; round <= 2; round++)
        {
            var matches = from c in customers
                          join id in await Ops.Value(new[] { round, round + 1 }) on c.Id equals id
                          select c.Name;
            results.Add(round + ":" + string.Join(",", matches));
        }
        return string.Join(" ", results);
    }
}
