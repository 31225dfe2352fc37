// Awaited join collections after where/orderby clauses, after a typed range variable, and in 'into' continuations,
// as a newcomer writes a report: C# calls Where/OrderBy/Cast/GroupBy before it awaits the join's collection, so a
// null source throws before the await and a logging source shows the order.

public static class QuerySource
{
    public static IEnumerable<T> Logged<T>(IEnumerable<T> items, string name, List<string> log)
    {
        log.Add("enumerate " + name);
        foreach (var item in items)
        {
            log.Add(name + " yields " + item);
            yield return item;
        }
    }
}

public static partial class P_QueryWhereOrderByThenAwaitedJoin
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var customers = JoinData.Customers(log);
        var rows = from c in QuerySource.Logged(customers, "customers", log)
                   where c.Id != 2
                   orderby c.Name descending
                   join o in await Ops.Value(JoinData.Orders(log)) on c.Id equals o.CustomerId
                   select c.Name + ":" + o.Total;
        log.Add("query built");
        return string.Join(", ", rows);
    }
}

public static partial class P_QueryTypedRangeVariableThenAwaitedJoin
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        System.Collections.ArrayList ids = new() { 1, 3, 5 };
        var names = from int id in ids
                    join c in await Ops.Value(JoinData.Customers(log)) on id equals c.Id
                    select c.Name;
        var text = string.Join("+", names);
        object[] boxed = { "a", 1 };
        try
        {
            var broken = from string s in boxed
                         where s.Length > 0
                         join c in await Ops.Value(JoinData.Customers(log)) on s equals c.Name
                         select c.Id;
            text += " " + broken.Count();
        }
        catch (InvalidCastException)
        {
            text += " cast failed while enumerating";
        }
        return text;
    }
}

public static partial class P_QueryNullSourceWithWhereThrowsBeforeTheAwait
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        List<(int Id, string Name)>? customers = null;
        try
        {
            var rows = from c in customers!
                       orderby c.Name
                       join o in await Ops.Value(JoinData.Orders(log)) on c.Id equals o.CustomerId
                       select o.Total;
            return "built " + rows.Count();
        }
        catch (ArgumentNullException e)
        {
            log.Add("null " + e.ParamName);
            return "caught before the orders were awaited";
        }
    }
}

public static partial class P_QueryContinuationJoinsAnAwaitedCollection
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var orders = JoinData.Orders(log);
        var totals = from o in QuerySource.Logged(orders, "orders", log)
                     group o by o.CustomerId into byCustomer
                     join c in await Ops.Value(JoinData.Customers(log)) on byCustomer.Key equals c.Id
                     orderby c.Name
                     select c.Name + "=" + byCustomer.Sum(x => x.Total);
        log.Add("query built");
        var text = string.Join(" ", totals);
        var busy = from o in orders
                   group o by o.CustomerId into g
                   where g.Count() > 1
                   join c in await Ops.Value(JoinData.Customers(log)) on g.Key equals c.Id into matched
                   select g.Key + ":" + matched.Count();
        return text + " | " + string.Join(" ", busy);
    }
}

public static partial class P_QueryAwaitedJoinsInEachContinuation
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var ids = new[] { 3, 1, 2, 1 };
        var report = from id in ids
                     join c in await Ops.Value(JoinData.Customers(log)) on id equals c.Id
                     select c into customer
                     join o in await Ops.Value(JoinData.Orders(log)) on customer.Id equals o.CustomerId into theirs
                     select customer.Name + "#" + theirs.Count() into line
                     where line.Length > 3
                     join mark in await Ops.Value(new[] { "Ann#2", "Cy#1" }) on line equals mark
                     select "[" + mark + "]";
        return string.Join("", report);
    }
}
