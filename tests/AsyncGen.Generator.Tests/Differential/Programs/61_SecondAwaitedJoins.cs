// Two or more awaited join collections in one query: C# calls each clause on the result of the ones before it, so
// the calls up to the second awaited join (the first Join, with its awaited collection, and the clauses after it)
// run before the second await; the machine stores that part and writes the rest on it, reading the range variables
// through nested rows. Logging sources and failing awaits show the order.

public static partial class P_QueryTwoAwaitedJoins
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var regions = new List<(int Id, string Name)> { (1, "north"), (3, "south"), (4, "east") };
        var rows = from c in QuerySource.Logged(JoinData.Customers(log), "customers", log)
                   join o in await Ops.Value(JoinData.Orders(log)) on c.Id equals o.CustomerId
                   where o.Total > 1
                   join r in await Ops.Value(QuerySource.Logged(regions, "regions", log)) on o.CustomerId equals r.Id
                   select c.Name + "/" + o.Total + "@" + r.Name;
        log.Add("query built");
        var text = string.Join(", ", rows);
        await Ops.Yield();
        return text + " " + rows.Count();
    }
}

public static partial class P_QueryAwaitedJoinsAroundLetAndFrom
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var factors = new[] { 1, 2 };
        var regions = new Dictionary<int, string> { [1] = "north", [3] = "south" };
        var rows = from c in JoinData.Customers(log)
                   let id = c.Id
                   join o in await Ops.Value(JoinData.Orders(log)) on id equals o.CustomerId
                   let doubled = o.Total * 2
                   from f in QuerySource.Logged(factors, "factors", log)
                   where doubled * f > 3
                   join r in await Ops.Value(regions) on id equals r.Key into theirs
                   orderby doubled * f descending
                   select $"{c.Name}:{doubled}x{f}@{string.Join("+", theirs.Select(t => t.Value))}";
        log.Add("query built");
        return string.Join(", ", rows);
    }
}

public static partial class P_QueryThreeAwaitedJoinsAndAContinuation
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var sizes = new List<(int CustomerId, string Size)> { (1, "L"), (3, "S"), (3, "M") };
        var groups = from c in JoinData.Customers(log)
                     join o in await Ops.Value(JoinData.Orders(log)) on c.Id equals o.CustomerId
                     join s in await Ops.Value(sizes) on c.Id equals s.CustomerId
                     join t in await Ops.Value(new[] { 1, 3 }) on s.CustomerId equals t
                     group o.Total by c.Name + s.Size into g
                     join again in await Ops.Value(new[] { "AnnL", "CyM" }) on g.Key equals again
                     select g.Key + "=" + g.Sum();
        log.Add("query built");
        return string.Join(", ", groups);
    }
}

public static partial class P_QuerySecondAwaitedJoinFails
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        try
        {
            var rows = from c in QuerySource.Logged(JoinData.Customers(log), "customers", log)
                       join o in await Ops.Value(JoinData.Orders(log)) on c.Id equals o.CustomerId
                       let total = o.Total
                       join (int Id, string Name) r in await Ops.Fail<List<(int, string)>>("regions down") on c.Id equals r.Id
                       select c.Name + total + r.Name;
            log.Add("query built");
            return string.Join(", ", rows);
        }
        catch (InvalidOperationException e)
        {
            log.Add("caught " + e.Message);
            return "failed";
        }
    }
}
