// Lambdas with ref, out and params parameters (C# gives them a delegate type it synthesizes) capturing variables of
// which each iteration of a loop that awaits has its own, as a newcomer writes small helpers inside a loop.

public static partial class P_RefAndParamsLambdasCaptureEachIteration
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var steps = new List<Delegate>();
        var total = 0;
        foreach (var item in new[] { 1, 10, 100 })
        {
            await Ops.Yield();
            var addTo = (ref int x) => x += item;
            addTo(ref total);
            var sum = (params int[] values) => values.Sum() * item;
            log.Add("sum " + sum(1, 2));
            steps.Add(addTo);
        }
        var again = 0;
        foreach (var step in steps) step.DynamicInvoke(again);
        return "total " + total;
    }
}

public static partial class P_OutLambdaAndLocalFunctionPerIteration
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var text = "";
        for (var round = 1; round <= 3; round++)
        {
            var label = "r" + round;
            await Ops.Value(round);
            var tryName = (int n, out string name) => { name = label + ":" + n; return n % 2 == 1; };
            if (tryName(round, out var named)) text += named + " ";
            bool Scale(ref int value) { value *= round; return label.Length > 0; }
            var scale = (ref int v) => Scale(ref v);
            var x = 2;
            scale(ref x);
            text += x + " ";
        }
        return text.Trim();
    }
}
