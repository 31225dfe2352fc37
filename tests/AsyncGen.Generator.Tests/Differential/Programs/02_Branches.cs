public static partial class P_IfElse
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var result = "";
        for (var i = 0; i < 2; i++)
        {
            if (await Ops.Value(i == 0))
            {
                await Ops.Yield();
                result += "then";
            }
            else
            {
                result += await Ops.Value("else");
            }
            log.Add(result);
        }
        return result;
    }
}

public static partial class P_IfNoElse
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var x = 1;
        if (x > 0)
        {
            x = await Ops.Value(x + 10);
        }
        log.Add("x " + x);
        return x.ToString();
    }
}

public static partial class P_ElseIfChain
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var text = "";
        foreach (var n in new[] { 1, 2, 3 })
        {
            if (n == 1) text += await Ops.Value("one");
            else if (n == 2) { await Ops.Yield(); text += "two"; }
            else text += "many";
            log.Add(text);
        }
        return text;
    }
}

public static partial class P_SwitchStatement
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var total = "";
        for (var i = 0; i < 4; i++)
        {
            switch (await Ops.Value(i))
            {
                case 0:
                    total += "zero";
                    break;
                case 1:
                case 2:
                    await Ops.Yield();
                    total += "small";
                    break;
                default:
                    total += await Ops.Value("big");
                    break;
            }
            log.Add(total);
        }
        return total;
    }
}

public static partial class P_SwitchWithReturn
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        log.Add("start");
        return await Name(2) + await Name(5);
    }

    [PollAsync]
    private static async Future<string> Name(int n)
    {
        switch (n)
        {
            case 2:
                await Ops.Yield();
                return "two";
            default:
                return await Ops.Value("other");
        }
    }
}

public static partial class P_SwitchExpression
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var s = (await Ops.Value(3)) switch
        {
            1 => "one",
            3 => "three",
            _ => "other",
        };
        log.Add(s);
        return s;
    }
}

public static partial class P_NestedIfInLoop
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var count = 0;
        for (var i = 0; i < 5; i++)
        {
            if (i % 2 == 0)
            {
                if (i > 2) { await Ops.Yield(); count += 10; }
                else count += await Ops.Value(1);
            }
            log.Add("i" + i + " " + count);
        }
        return count.ToString();
    }
}
