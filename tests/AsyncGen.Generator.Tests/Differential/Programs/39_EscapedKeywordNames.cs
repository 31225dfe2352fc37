// Names that are C# keywords, written with '@' (@class, @int, @event): a symbol's name and a token's ValueText drop
// the '@', and the generator must print it back wherever it writes such a name on its own (pattern variables stored
// in fields, locals and parameters captured by lambdas, range variables, anonymous type members, local function
// parameters); printed bare, a pattern variable's store was cut from the parse and read default after the await.

public static partial class P_EkPatternVariables
{
    [PollAsync]
    private static async Future<bool> Positive(int @int)
    {
        await Ops.Yield();
        return @int > 0;
    }

    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var r = "";
        object o = "text";
        if (o is string @class)
        {
            await Ops.Yield();
            r += "class " + @class + ";";
        }
        object n = 7;
        if (n is int @int && @int > 1)
        {
            await Ops.Yield();
            r += "int " + @int + ";";
        }
        if (n is not int @double) r += "not;";
        else
        {
            await Ops.Yield();
            r += "double " + @double + ";";
        }
        foreach (var value in new object[] { 5, -3, "s" })
        {
            switch (value)
            {
                case int @event when await Positive(@event):
                    await Ops.Yield();
                    r += "event " + @event + ";";
                    break;
                case int @base:
                    await Ops.Yield();
                    r += "base " + @base + ";";
                    break;
                default:
                    r += "default;";
                    break;
            }
            r += value switch
            {
                int @fixed when await Positive(@fixed) => "arm " + @fixed + ";",
                string @string => "string " + @string + ";",
                _ => "none;",
            };
        }
        return r;
    }
}

public static partial class P_EkLocalsParametersAndCaptures
{
    [PollAsync]
    private static async Future<string> Echo(string @class, int @return)
    {
        Func<string> later = () => @class + @return;          // parameters captured by a lambda
        await Ops.Yield();
        @return++;
        return later() + "/" + @class + @return;
    }

    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var @object = "obj";
        int @this = 1;
        Func<int> read = () => @this * 10;                     // a local captured by a lambda
        await Ops.Yield();
        @this++;
        string Shout(string @string, int @if) => @string.ToUpperInvariant() + @if + @object;
        var shouted = Shout("a", @this);
        await Ops.Yield();
        var anon = new { @class = await Echo("c", 2), Id = @this };
        return @object + " " + read() + " " + shouted + " " + anon.@class + " " + anon.Id + " " + await Echo(@object, @this);
    }
}

public static partial class P_EkRangeVariables
{
    [PollAsync]
    private static async Future<int[]> Numbers()
    {
        await Ops.Yield();
        return new[] { 1, 2, 3 };
    }

    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var a = new[] { 1, 2, 3, 4 };
        var joined = from @event in a
                     where @event > 1
                     join @class in await Numbers() on @event equals @class
                     select @event * 10 + @class;
        var grouped = from @event in await Numbers()
                      select @event * 2 into @double
                      where @double > 2
                      select @double;
        return string.Join(",", joined) + " " + string.Join(",", grouped);
    }
}

public static partial class P_EkMoreDeclarations
{
    [PollAsync]
    private static async Future<int> One()
    {
        await Ops.Yield();
        return 1;
    }

    [PollAsync]
    private static async Future<string> Body(int @params)
    {
        var r = "";
        foreach (var @in in new[] { 1, 2 })
        {
            await Ops.Yield();
            Func<int> f = () => @in + @params;                 // a foreach variable of each iteration, captured
            r += f() + ",";
            var step = (ref int x) => x += @in;                // a synthesized delegate type, wrapped
            int q = 0;
            step(ref q);
            r += q + ";";
        }
        try { await Ops.Yield(); throw new InvalidOperationException("x"); }
        catch (InvalidOperationException @catch) when (@catch.Message == "x") { await Ops.Yield(); r += @catch.Message; }
        if (int.TryParse("5", out var @out)) { await Ops.Yield(); r += @out; }
        var (@a, @class) = (1, "c");
        await Ops.Yield();
        r += @a + @class;
        int @static(int @if) => @if + @params;
        Func<int, int> g = @static;
        await Ops.Yield();
        r += g(1) + @static(2);
        var @x = new { @event = await One() };
        return r + @x.@event;
    }

    [PollAsync]
    public static async Future<string> Run(List<string> log) => await Body(10);
}
