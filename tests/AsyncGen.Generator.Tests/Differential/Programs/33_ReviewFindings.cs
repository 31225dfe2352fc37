// Review of 22:04 (findings 3-6): valid C# that the generator compiled wrongly, computed another value for, or let
// run clauses of a query in another order than C#.

public static partial class P_CheckedForeachNarrowingOfAList
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var values = new List<int> { 1, 300 };
        try
        {
            checked
            {
                foreach (byte b in values)
                {
                    await Ops.Yield();
                    log.Add("got " + b);
                }
            }
        }
        catch (OverflowException)
        {
            log.Add("overflow");
        }
        return "done";
    }
}

public static partial class P_UncheckedForeachInsideCheckedKeepsItsContext
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var values = new List<long> { 1, 1L << 40 };
        try
        {
            checked
            {
                int sum = 0;
                unchecked
                {
                    foreach (int i in values)
                    {
                        await Ops.Yield();
                        sum = sum + i;
                        log.Add("got " + i);
                    }
                }
                log.Add("sum " + sum);
            }
        }
        catch (OverflowException)
        {
            log.Add("overflow");
        }
        return "done";
    }
}

public static partial class P_ForeachNarrowingOfAnArray
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        long[] values = { 7, (1L << 32) + 5 };
        var sum = 0;
        foreach (int i in values)
        {
            await Ops.Yield();
            sum += i;
            log.Add("got " + i);
        }
        try
        {
            checked
            {
                foreach (short s in values)
                {
                    await Ops.Yield();
                    log.Add("short " + s);
                }
            }
        }
        catch (OverflowException)
        {
            log.Add("overflow");
        }
        object[] boxes = { "a", "bc" };
        foreach (string text in boxes)
        {
            await Ops.Yield();
            sum += text.Length;
        }
        return sum.ToString();
    }
}

public static partial class P_CheckedShiftCompoundOfNarrowTargets
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        byte b = 200;
        sbyte negative = -2;
        ushort wide = 3;
        try
        {
            checked
            {
                await Ops.Yield();
                wide <<= 2;
                b >>= 1;
                log.Add("fits " + wide + " " + b);
                try
                {
                    negative >>>= 1;
                    log.Add("no overflow " + negative);
                }
                catch (OverflowException)
                {
                    log.Add("overflow >>>=");
                }
                b <<= 2;
                log.Add("no overflow " + b);
            }
        }
        catch (OverflowException)
        {
            log.Add("overflow <<=");
        }
        unchecked
        {
            await Ops.Yield();
            b <<= 2;
        }
        return b + " " + negative + " " + wide;
    }
}

public static partial class P_CheckedBitwiseCompoundOfNarrowTargets
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        byte b = 1;
        int mask = 0x100;
        try
        {
            checked
            {
                await Ops.Yield();
                b |= (byte)1;
                short s = 1;
                s ^= (short)3;
                b |= (byte)(mask >> 8);
                log.Add("still ok " + b + " " + s);
                b |= (byte)mask;
                log.Add("no overflow " + b);
            }
        }
        catch (OverflowException)
        {
            log.Add("overflow");
        }
        return b.ToString();
    }
}

public static partial class P_LocalFunctionCallingLocalFunctionAfterAwait
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        int calls = 0;
        int Next() => ++calls;
        int Twice() => Next() + Next();
        int Thrice() => Twice() + Next();
        await Ops.Yield();
        var first = Twice();
        await Ops.Yield();
        var second = Thrice();
        return first + "," + second + "," + calls;
    }
}

public static partial class P_LocalFunctionsCallingEachOtherRecursively
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var seen = new List<int>();
        int limit = 3;
        void Even(int n) { seen.Add(n); if (n < limit) Odd(n + 1); }
        void Odd(int n) { seen.Add(-n); if (n < limit) Even(n + 1); }
        await Ops.Yield();
        Odd(1);
        return string.Join(",", seen);
    }
}

public static partial class P_LocalFunctionThroughDelegateAfterAwait
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        int n = 0;
        int Inc() => ++n;
        Func<int> f = Inc;
        await Ops.Yield();
        var x = f() + f();
        await Ops.Yield();
        var y = f();
        return x + "," + y + "," + n;
    }
}

public static partial class P_CheckedForeachWithoutAwaitAfterAnAwait
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var values = new List<int> { 2, 258 };
        var total = 0;
        try
        {
            checked
            {
                await Ops.Yield();
                foreach (byte b in values)
                {
                    total += b;
                    log.Add("got " + b);
                }
            }
        }
        catch (OverflowException)
        {
            log.Add("overflow");
        }
        unchecked
        {
            await Ops.Yield();
            foreach (byte b in values) total += b;
        }
        return total.ToString();
    }
}

public static partial class P_QueryWhereBeforeAnAwaitedJoinRunsFirst
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        List<(int Id, string Name)> customers = null!;
        try
        {
            var lines = from c in customers
                        where c.Id > 0
                        join o in await Ops.Value(JoinData.Orders(log)) on c.Id equals o.CustomerId
                        select c.Name;
            return string.Join(",", lines);
        }
        catch (ArgumentNullException e)
        {
            log.Add("null " + e.ParamName);
            return "caught";
        }
    }
}

public static partial class P_QueryJoinsBeforeAnAwaitedJoinRunFirst
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        List<(int CustomerId, decimal Total)> orders = null!;
        try
        {
            var lines = from c in JoinData.Customers(log)
                        join o in orders on c.Id equals o.CustomerId into theirs
                        join r in await Ops.Value(new List<string> { "Ann" }) on c.Name equals r
                        select c.Name + theirs.Count();
            return string.Join(",", lines);
        }
        catch (ArgumentNullException e)
        {
            log.Add("null " + e.ParamName);
        }
        List<(int Id, string Name)> customers = null!;
        try
        {
            var lines = from c in customers
                        join o in JoinData.Orders(log) on c.Id equals o.CustomerId
                        join r in await Ops.Value(new List<string> { "Ann" }) on c.Name equals r
                        select c.Name;
            return string.Join(",", lines);
        }
        catch (ArgumentNullException e)
        {
            log.Add("null " + e.ParamName);
            return "caught";
        }
    }
}
