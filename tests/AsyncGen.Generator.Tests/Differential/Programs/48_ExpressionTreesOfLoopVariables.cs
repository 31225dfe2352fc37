// Expression tree lambdas (`Expression<Func<int, bool>> e = x => x > min;`, `IQueryable.Where(x => x > min)`) capturing
// a per-iteration foreach variable of a loop that awaits: each tree reads its own iteration's value, like C#, and
// the tree keeps the shape of a captured variable (a member of a closure object), so it compiles and queries alike.
// Review 3, finding 5 (was AG0005 naming an anonymous type the lambda does not have).

public static partial class P_EtLoopVariablesInExpressionTrees
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var data = new[] { 1, 2, 3, 4 }.AsQueryable();
        var trees = new List<System.Linq.Expressions.Expression<Func<int, bool>>>();
        foreach (var min in new[] { 1, 2 })
        {
            System.Linq.Expressions.Expression<Func<int, bool>> above = x => x > min;
            trees.Add(above);
            await Ops.Yield();
            log.Add("queried " + data.Where(x => x > min).Count());
            log.Add("body " + above.Body.NodeType + " " + (above.Body is System.Linq.Expressions.BinaryExpression { Right: System.Linq.Expressions.MemberExpression } ? "reads a member" : "other"));
        }
        return string.Join(",", trees.Select(t => data.Count(t)));
    }
}
