// Awaited join collections after a let, a second from or another join, as a newcomer writes a report: C# calls
// Select/SelectMany/Join/GroupJoin for that clause (its elements are anonymous transparent identifiers) before it
// awaits the join's collection, so a null source throws before the await and a logging source shows the order.

public static partial class P_QueryLetThenAwaitedJoin
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var customers = JoinData.Customers(log);
        var rows = from c in QuerySource.Logged(customers, "customers", log)
                   where c.Id != 2
                   let upper = c.Name.ToUpperInvariant()
                   where upper.Length > 1
                   join o in await Ops.Value(JoinData.Orders(log)) on c.Id equals o.CustomerId
                   orderby o.Total descending
                   select upper + ":" + o.Total + "/" + c.Id;
        log.Add("query built");
        var text = string.Join(", ", rows);
        await Ops.Yield();
        return text + " " + rows.Count();
    }
}

public static partial class P_QuerySecondFromThenAwaitedJoinInALoop
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var results = new List<string>();
        var sizes = new[] { 1, 10 };
        for (var round = 1; round <= 2; round++)
        {
            sizes[1] = round * 10;
            var pairs = from c in JoinData.Customers(log)
                        from s in sizes
                        join o in await Ops.Value(JoinData.Orders(log)) on c.Id equals o.CustomerId
                        where o.Total * s > 10
                        select $"{c.Name}x{s}={o.Total * s}";
            results.Add(string.Join("|", pairs));
            sizes[0] = 100 * round; // the query reads the array when it runs
            results.Add(pairs.Count().ToString());
        }
        return string.Join("; ", results);
    }
}

public static partial class P_QueryJoinThenAwaitedJoinWithFailures
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var regions = new Dictionary<int, string> { [1] = "north", [3] = "south" };
        var text = "";
        try
        {
            var report = from c in JoinData.Customers(log)
                         join r in regions on c.Id equals r.Key
                         join o in await Ops.Value(JoinData.Orders(log)) on c.Id equals o.CustomerId into theirs
                         select $"{c.Name}@{r.Value}:{theirs.Sum(x => x.Total)}";
            text += string.Join(", ", report);
            List<(int Id, string Name)> missing = null!;
            var broken = from c in missing
                         join r in regions on c.Id equals r.Key
                         join o in await Ops.Fail<List<int>>("never awaited") on c.Id equals o
                         select c.Name;
            text += broken.Count();
        }
        catch (ArgumentNullException e)
        {
            text += " null " + e.ParamName;
        }
        finally
        {
            log.Add("finally:report");
        }
        return text;
    }
}

public static partial class P_QueryGroupJoinIntoThenAwaitedJoinInAContinuation
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var orders = JoinData.Orders(log);
        var summary = from o in orders
                      group o by o.CustomerId into g
                      let total = g.Sum(x => x.Total)
                      join c in await Ops.Value(JoinData.Customers(log)) on g.Key equals c.Id
                      select c.Name + "=" + total;
        var first = string.Join(",", summary);
        orders.Add((2, 5m));
        await Ops.Yield();
        return first + " then " + string.Join(",", summary);
    }
}
