// Lambdas capturing a variable declared inside a loop body: C# gives each iteration its own variable, so each
// lambda sees the value of the iteration that created it, even when the loop awaits.

public static partial class P_LoopLocalCapturedAfterAwait
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var readers = new List<Func<int>>();
        for (var i = 0; i < 3; i++)
        {
            var copy = i * 10;
            await Ops.Yield();
            readers.Add(() => copy);
        }
        return string.Join(",", readers.Select(read => read()));
    }
}

public static partial class P_LoopLocalCapturedBeforeAwait
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var readers = new List<Func<string>>();
        var n = 0;
        while (n < 3)
        {
            var label = "item" + n;
            readers.Add(() => label);
            if (n % 2 == 1) await Ops.Yield(); // iterations 0 and 1 run in the same poll
            n++;
        }
        return string.Join(",", readers.Select(read => read()));
    }
}

public static partial class P_LoopLocalWrittenByLambdaAndBody
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var bumps = new List<Action>();
        var reads = new List<Func<int>>();
        foreach (var start in new[] { 1, 100 })
        {
            var counter = start;
            bumps.Add(() => counter++);
            reads.Add(() => counter);
            await Ops.Yield();
            counter += 5;
        }
        foreach (var bump in bumps) bump();
        return string.Join(",", reads.Select(read => read()));
    }
}

public static partial class P_LoopPatternVariableCapturedAfterAwait
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var greeters = new List<Func<string>>();
        foreach (var item in new object[] { "ann", 4, "bob" })
        {
            if (item is string name)
            {
                await Ops.Yield();
                greeters.Add(() => "hi " + name);
            }
        }
        return string.Join(",", greeters.Select(greet => greet()));
    }
}
