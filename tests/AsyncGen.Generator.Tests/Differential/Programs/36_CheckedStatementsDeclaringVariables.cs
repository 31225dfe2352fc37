// Increments and compound assignments that declare a variable (out var, a pattern) inside a checked or unchecked
// block that awaits, as a newcomer parses input: the variable is used after the statement, and the operation keeps
// the block's overflow context.

public static partial class P_CheckedCompoundAssignmentWithOutVar
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var total = int.MaxValue - 100;
        var text = "";
        checked
        {
            foreach (var input in new[] { "40", "x", "50", "30" })
            {
                await Ops.Yield();
                try
                {
                    total += int.TryParse(input, out var parsed) ? parsed : -1;
                    log.Add("parsed " + parsed + ", total " + total);
                }
                catch (OverflowException)
                {
                    text += "overflow at " + input + "; ";
                }
            }
        }
        return text + total;
    }
}

public static partial class P_UncheckedIncrementWithPatternVariable
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        byte counter = 250;
        object boxed = 7;
        unchecked
        {
            counter += boxed is int step ? (byte)step : (byte)1;
            log.Add("counter " + counter);
            step = await Ops.Value(3);
            counter += (byte)step;
            log.Add("after the await " + counter + " with step " + step);
        }
        return counter.ToString();
    }
}

public static partial class P_CheckedDeclarationsAcrossTheAwait
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        long sum = long.MaxValue - 5;
        var results = new List<string>();
        checked
        {
            sum -= long.TryParse(await Ops.Value("4"), out var first) ? first : 0;
            results.Add("first " + first);
            sum += Math.DivRem(17, 3, out var remainder) - remainder * 2;
            results.Add("remainder " + remainder);
            try
            {
                sum += remainder * 2;
            }
            catch (OverflowException)
            {
                results.Add("overflow with remainder " + remainder);
            }
            await Ops.Yield();
            results.Add("still " + first + "/" + remainder);
        }
        return string.Join(", ", results) + " sum " + sum;
    }
}
