// Awaits inside checked { } / unchecked { } blocks, written the way a newcomer writes them: every operation keeps
// the block's overflow context before and after the await (the generated machine resumes in another state).

public static partial class P_CheckedBlockOverflowAfterAwait
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        int total = int.MaxValue - 10;
        checked
        {
            total += 5;
            log.Add("before the await: " + total);
            int more = await Ops.Value(20);
            try
            {
                total = total + more;
                log.Add("no overflow?");
            }
            catch (OverflowException)
            {
                log.Add("overflow after the await");
            }
        }
        return total.ToString();
    }
}

public static partial class P_CheckedBlockOverflowBeforeAwait
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        long big = long.MaxValue;
        try
        {
            checked
            {
                big++;
                await Ops.Yield();
                log.Add("not reached");
            }
        }
        catch (OverflowException e)
        {
            log.Add("caught " + e.GetType().Name);
        }
        await Ops.Yield();
        return big.ToString();
    }
}

public static partial class P_CheckedBlockOverflowEscapes
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        checked
        {
            var count = await Ops.Value(int.MaxValue);
            log.Add("got " + count);
            short small = (short)(count / 1000);
            return small.ToString();
        }
    }
}

public static partial class P_CheckedBlockAwaitInsideTheArithmetic
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var results = new List<string>();
        int price = 1_000_000;
        checked
        {
            try
            {
                int cost = price * await Ops.Value(3000);
                results.Add("cost " + cost);
            }
            catch (OverflowException)
            {
                results.Add("cost overflowed");
            }
            int quantity = 2;
            quantity *= await Ops.Value(21);
            results.Add("quantity " + quantity);
            try
            {
                quantity *= await Ops.Value(int.MaxValue);
            }
            catch (OverflowException)
            {
                results.Add("quantity overflowed, still " + quantity);
            }
            int negative = -await Ops.Value(int.MinValue + 1);
            results.Add("negative " + negative);
            try
            {
                results.Add("minus " + (-await Ops.Value(int.MinValue)));
            }
            catch (OverflowException)
            {
                results.Add("negating MinValue overflowed");
            }
            try
            {
                results.Add("byte " + (byte)await Ops.Value(300));
            }
            catch (OverflowException)
            {
                results.Add("byte cast overflowed");
            }
        }
        return string.Join(", ", results);
    }
}

public static partial class P_UncheckedBlockWrapsAround
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        unchecked
        {
            int hash = 17;
            foreach (var word in new[] { "alpha", "beta", "gamma" })
            {
                hash = hash * 31 + await Ops.Value(word.Length * 1_000_003);
                log.Add("hash " + hash);
            }
            int wrapped = int.MaxValue + 1;
            byte low = (byte)await Ops.Value(511);
            return hash + " " + wrapped + " " + low;
        }
    }
}

public static partial class P_NestedCheckedAndUnchecked
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        int max = int.MaxValue;
        checked
        {
            unchecked
            {
                int wrapped = max + await Ops.Value(1);
                log.Add("inner unchecked: " + wrapped);
                wrapped++;
                log.Add("inner increment: " + wrapped);
                int constant = int.MaxValue + 2;
                log.Add("inner constant: " + constant);
            }
            await Ops.Yield();
            try
            {
                int overflow = max + 1;
                log.Add("outer should not get here " + overflow);
            }
            catch (OverflowException)
            {
                log.Add("outer checked again after the inner block");
            }
            int mixed = unchecked(max + 1) + await Ops.Value(5);
            log.Add("unchecked expression inside: " + mixed);
        }
        return "done";
    }
}

public static partial class P_CheckedBlockInALoop
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        int factorial = 1;
        int n = 1;
        while (true)
        {
            try
            {
                checked
                {
                    int next = await Ops.Value(n);
                    factorial *= next;
                }
            }
            catch (OverflowException)
            {
                log.Add("overflow at " + n + "!");
                break;
            }
            n++;
        }
        return "largest int factorial: " + (n - 1) + "! = " + factorial;
    }
}

public static partial class P_CheckedBlockAroundALoop
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        byte counter = 250;
        try
        {
            checked
            {
                for (byte b = 250; ; b++)
                {
                    await Ops.Yield();
                    counter = b;
                    log.Add("b = " + b);
                }
            }
        }
        catch (OverflowException)
        {
            log.Add("the loop counter overflowed");
        }
        return counter.ToString();
    }
}

public static partial class P_CheckedBlockWithLambdaAndLocalFunction
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        checked
        {
            Func<int, int> doubled = x => x * 2;
            int Tripled(int x) => x * 3;
            int value = await Ops.Value(1_000_000_000);
            try
            {
                log.Add("doubled " + doubled(value));
            }
            catch (OverflowException)
            {
                log.Add("the lambda checks too");
            }
            try
            {
                log.Add("tripled " + Tripled(value));
            }
            catch (OverflowException)
            {
                log.Add("the local function checks too");
            }
            return "ok";
        }
    }
}

public static partial class P_CheckedBlockIncrementStatements
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        int items = int.MaxValue - 2;
        var steps = new List<string>();
        checked
        {
            await Ops.Yield();
            items++;
            steps.Add(items.ToString());
            ++items;
            steps.Add(items.ToString());
            try
            {
                items++;
            }
            catch (OverflowException)
            {
                steps.Add("third increment overflowed");
            }
            int total = 0;
            for (int i = 0; i < 3; i++)
            {
                total += await Ops.Value(i);
                total -= 1;
            }
            steps.Add("total " + total);
            try
            {
                total -= int.MaxValue;
                steps.Add("after subtract " + total);
                total -= await Ops.Value(10);
            }
            catch (OverflowException)
            {
                steps.Add("subtract overflowed at " + total);
            }
        }
        return string.Join(" | ", steps);
    }
}

public static partial class P_CheckedBlockWithIncrementingLambdas
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        int clicks = int.MaxValue - 1;
        checked
        {
            Action click = () => clicks++;
            void Reset() => clicks -= 10;
            click();
            await Ops.Yield();
            log.Add("clicks " + clicks);
            try
            {
                click();
            }
            catch (OverflowException)
            {
                log.Add("the lambda's increment is checked");
            }
            Reset();
            await Ops.Yield();
            log.Add("after reset " + clicks);
        }
        return clicks.ToString();
    }
}
