// Values of anonymous types kept across awaits, as a newcomer writes them: a summary object, rows projected by
// Select, a grouping report, tuples and arrays of them, nested ones, ones captured by lambdas, reassigned before and
// after the await, inside loops, try/finally and catch blocks.

public static partial class P_AnonSummaryAcrossAwait
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var name = await Ops.Value("ann");
        var summary = new { Name = name, Count = 1 };
        await Ops.Yield();
        log.Add("after yield " + summary.Name);
        summary = new { Name = summary.Name.ToUpperInvariant(), Count = summary.Count + await Ops.Value(2) };
        await Ops.Yield();
        return $"{summary} {summary.Count * 10} {summary.Equals(new { Name = "ANN", Count = 3 })}";
    }
}

public static partial class P_AnonRowsFromSelectInALoop
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var words = new List<string> { "apple", "kiwi", "banana" };
        var rows = words.Select((w, i) => new { Word = w, Index = i, Length = w.Length }).ToList();
        var total = 0;
        foreach (var row in rows)
        {
            total += await Ops.Value(row.Length);
            log.Add($"{row.Index}:{row.Word}");
        }
        var longest = rows.OrderByDescending(r => r.Length).First();
        await Ops.Yield();
        rows.Add(new { Word = "fig", Index = 9, Length = 3 });
        return $"{total} {longest.Word} {rows.Count} {rows[^1]}";
    }
}

public static partial class P_AnonGroupReportWithTryFinally
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var orders = new[] { ("ann", 3), ("bob", 5), ("ann", 4) };
        var report = orders.GroupBy(o => o.Item1).Select(g => new { Customer = g.Key, Total = g.Sum(o => o.Item2) });
        var best = new { Customer = "", Total = 0 };
        try
        {
            foreach (var line in report)
            {
                await Ops.Yield();
                if (line.Total > best.Total) best = line;
                log.Add(line.Customer + "=" + line.Total);
            }
            await Ops.Fail<int>("boom");
        }
        catch (InvalidOperationException e)
        {
            log.Add("caught " + e.Message + " best " + best.Customer);
        }
        finally
        {
            log.Add("finally:" + best.Total);
        }
        return best.ToString();
    }
}

public static partial class P_AnonNestedTupleAndArray
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var person = new { Name = "Cy", Address = new { City = "Oslo", Zip = 150 }, Tags = new[] { "a", "b" } };
        var pair = (Rank: 2, Person: person);
        var many = new[] { person, person with { Name = "Di" } };
        var lookup = many.ToDictionary(p => p.Name);
        await Ops.Yield();
        pair.Rank += await Ops.Value(1);
        pair.Person = many[1];
        log.Add(pair.Person.Address.City + pair.Rank);
        await Ops.Yield();
        return $"{pair.Person.Name} {pair.Rank} {many.Length} {lookup["Cy"].Address.Zip} {person.Tags[1]}";
    }
}

public static partial class P_AnonCapturedByLambdas
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var settings = new { Prefix = "#", Width = 3 };
        Func<int, string> format = n => settings.Prefix + n.ToString().PadLeft(settings.Width, '0');
        var results = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var item = new { Id = i, Label = "item" + i };
            results.Add(format(await Ops.Value(item.Id)));
            Func<string> describe = () => item.Label + "/" + settings.Width;
            await Ops.Yield();
            log.Add(describe());
        }
        settings = new { Prefix = "*", Width = 1 };
        await Ops.Yield();
        return string.Join(",", results) + " " + format(7);
    }
}

public static partial class P_AnonAwaitedValuesAndConditionals
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var point = await Ops.Value(new { X = 1, Y = 2 });
        var maybe = point.X > 0 ? point : await Ops.Value(new { X = 0, Y = 0 });
        var chosen = maybe.Y > 1 ? await Ops.Value(new { X = 5, Y = 6 }) : maybe;
        log.Add(chosen.ToString());
        var list = await Ops.Value(new[] { point, chosen }.ToList());
        await Ops.Yield();
        return $"{point.X + point.Y} {chosen.X} {list.Count} {list.Sum(p => p.Y)}";
    }
}

public static partial class P_AnonQueryProjectionKeptAcrossAwait
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var customers = JoinData.Customers(log);
        var projected = from c in customers where c.Id > 1 select new { c.Name, Upper = c.Name.ToUpperInvariant() };
        var minimum = await Ops.Value(2);
        var text = string.Join(";", projected.Select(p => p.Upper));
        var lazy = customers.Select(c => new { c.Id, Twice = c.Id * 2 }).Where(c => c.Id >= minimum);
        await Ops.Yield();
        customers.Add((4, "Ed"));
        return text + " " + string.Join(",", lazy.Select(x => x.Twice)) + " " + projected.Count();
    }
}
