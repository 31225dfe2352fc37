// Lambdas of delegate types built from anonymous types (Func<anon>, Func<string, anon>) that read a variable of which
// each iteration of a loop that awaits has its own: a helper creates each from its iteration's variables.

public static partial class P_PerIterationLambdasReturningAnonymousTypes
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var text = "";
        var later = new List<Func<string>>();
        foreach (var order in new[] { 1, 2, 3 })
        {
            await Ops.Yield();
            var lines = new[] { "a", "b" }.Select(l => new { Line = l, Order = order }).ToList();
            var make = () => new { Id = order, Twice = order * 2 };
            text += string.Join(",", lines.Select(x => x.Line + x.Order)) + " ";
            await Ops.Yield();
            text += make().Twice + ";";
            later.Add(() => make().Id + "/" + lines.Count);
        }
        for (var i = 0; i < 2; i++)
        {
            var scale = i + 10;
            log.Add("scale " + scale);
            var pairs = new[] { 1, 2 }.Select(n => new { N = n, Scaled = n * scale });
            await Ops.Yield();
            text += string.Join(",", pairs.Select(p => p.Scaled)) + ";";
        }
        return text + " " + string.Join(" ", later.Select(f => f()));
    }
}
