// Anonymous-typed locals kept across awaits, read inside expression tree lambdas (a query's Where over AsQueryable, an
// Expression<Func<...>> compiled later): the tree reads them by value.

public static partial class P_AnonymousLocalReadByAnExpressionTree
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var filter = new { Min = 2, Name = "n" };
        await Ops.Yield();
        System.Linq.Expressions.Expression<Func<int, bool>> test = x => x > filter.Min;
        var kept = new[] { 1, 2, 3, 4 }.AsQueryable().Where(x => x >= filter.Min).Select(x => filter.Name + x).ToList();
        await Ops.Yield();
        filter = new { Min = 3, Name = "m" };
        log.Add("after reassignment " + test.Compile()(3));
        return test.Compile()(3) + " " + string.Join(",", kept) + " " + test.Compile()(4);
    }
}

public static partial class P_PerIterationAnonymousValueInAnExpressionTree
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var trees = new List<System.Linq.Expressions.Expression<Func<int, int>>>();
        foreach (var bound in new[] { new { Add = 1 }, new { Add = 10 } })
        {
            await Ops.Yield();
            trees.Add(x => x + bound.Add);
        }
        return string.Join(",", trees.Select(t => t.Compile()(5)));
    }
}
