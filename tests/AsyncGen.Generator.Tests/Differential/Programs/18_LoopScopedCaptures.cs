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

public static partial class P_WhileConditionVariableCapturedAfterAwait
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var readers = new List<Func<string>>();
        object? current = new PatternNode("x", new PatternNode("y", null));
        while (current is PatternNode node)
        {
            await Ops.Yield();
            readers.Add(() => node.Value);
            current = node.Next;
        }
        return string.Join(",", readers.Select(read => read()));
    }
}

public static partial class P_SwitchCaseVariableCapturedInLoop
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var readers = new List<Func<string>>();
        foreach (var value in new object[] { "a", 2, "b", 3.5 })
        {
            switch (value)
            {
                case string text:
                    readers.Add(() => "text " + text);
                    await Ops.Yield();
                    break;
                case int number:
                    var doubled = number * 2;
                    await Ops.Yield();
                    readers.Add(() => "number " + number + "/" + doubled);
                    break;
                default:
                    var other = value.ToString();
                    readers.Add(() => "other " + other);
                    break;
            }
        }
        return string.Join(",", readers.Select(read => read()));
    }
}
