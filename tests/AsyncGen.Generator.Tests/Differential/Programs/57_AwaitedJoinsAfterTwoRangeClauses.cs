// Awaited join collections after two or more clauses that add range variables (let, a second from, a join): C# nests
// its transparent identifiers (new { <>h__TransparentIdentifier0, e }) and calls Select/SelectMany/Join for each
// clause before it awaits the join's collection. Logging sources and lambdas show the order of those calls.

public static partial class P_QueryTwoLetsThenAwaitedJoin
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var rows = from c in QuerySource.Logged(JoinData.Customers(log), "customers", log)
                   let upper = c.Name.ToUpperInvariant()
                   where upper.Length > 1
                   let tag = upper + "#" + c.Id
                   join o in await Ops.Value(JoinData.Orders(log)) on c.Id equals o.CustomerId
                   where o.Total > 1
                   select tag + ":" + o.Total + "/" + upper.Length;
        log.Add("query built");
        var text = string.Join(", ", rows);
        await Ops.Yield();
        return text + " " + rows.Count();
    }
}

public static partial class P_QueryLetFromAndJoinThenAwaitedGroupJoin
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var regions = new Dictionary<int, string> { [1] = "north", [3] = "south" };
        var factors = new[] { 1, 2 };
        var rows = from c in JoinData.Customers(log)
                   let id = c.Id
                   from f in QuerySource.Logged(factors, "factors", log)
                   join r in regions on id equals r.Key
                   join o in await Ops.Value(JoinData.Orders(log)) on id equals o.CustomerId into theirs
                   select $"{c.Name}x{f}@{r.Value}={theirs.Sum(x => x.Total) * f}";
        log.Add("query built");
        return string.Join(", ", rows);
    }
}
