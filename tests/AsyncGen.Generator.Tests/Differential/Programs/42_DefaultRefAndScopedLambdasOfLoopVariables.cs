// Lambdas with default parameter values, ref returns and scoped parameters (C# synthesizes their delegate types)
// capturing variables of which each iteration of a loop that awaits has its own, as a newcomer writes them.

public static partial class P_DefaultValueLambdasCaptureEachIteration
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var steps = new List<Delegate>();
        var text = "";
        foreach (var item in new[] { 1, 10, 100 })
        {
            await Ops.Yield();
            var add = (int x = 2) => x + item;
            var greet = (string who = "you", char mark = '!', double scale = 0.5, DayOfWeek day = DayOfWeek.Friday, decimal? tip = null) =>
                who + mark + (item * scale) + day + (tip ?? item);
            text += add() + "," + add(5) + "," + greet() + ";";
            steps.Add(add);
            log.Add(greet("me", '?', 1, DayOfWeek.Monday, item * 2));
            text += await Ops.Value(item * 2);
        }
        foreach (var step in steps) text += step.DynamicInvoke(1) + " ";
        return text;
    }
}

public static partial class P_RefReturnAndScopedLambdasPerIteration
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var cells = new int[3];
        var results = new List<string>();
        for (var round = 0; round < 3; round++)
        {
            var slot = round;
            try
            {
                var got = await Ops.Value(slot * 10 + 1);
                var pick = ref int (int[] array) => ref array[slot];
                pick(cells) = got;
                pick(cells) += slot;
                var measure = (scoped ref int value, scoped ReadOnlySpan<char> span) => value += span.Length + slot;
                var counter = 0;
                measure(ref counter, "abc");
                if (round == 1) await Ops.Fail<int>("round " + round);
                results.Add(counter.ToString());
            }
            catch (InvalidOperationException e)
            {
                results.Add("caught " + e.Message);
            }
            finally
            {
                cells[slot]++;
                await Ops.Yield();
            }
        }
        return string.Join(",", results) + " cells " + string.Join(",", cells);
    }
}

public static partial class P_DefaultValueLocalFunctionConvertedPerIteration
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var made = new List<Delegate>();
        var text = "";
        for (var i = 1; i <= 3; i++)
        {
            var factor = i;
            await Ops.Yield();
            int Times(int x = 3) => x * factor;
            var times = (int x = 4) => Times(x) + factor;
            text += times() + " ";
            made.Add(times);
            factor += 100;
        }
        return text + string.Join(",", made.Select(f => f.DynamicInvoke(1)));
    }
}
