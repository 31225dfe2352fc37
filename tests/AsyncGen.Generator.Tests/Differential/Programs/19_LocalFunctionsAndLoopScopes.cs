// Variables of which each loop iteration (or each evaluation of a loop condition or for incrementer) has its own,
// captured by local functions and by lambdas, across awaits; and user names that look like the machine's helpers.

public static partial class P_LocalFunctionCapturingLoopLocal
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var readers = new List<Func<int>>();
        for (var i = 0; i < 3; i++)
        {
            var copy = i * 10;
            await Ops.Yield();
            int Read() => copy;
            readers.Add(Read);
        }
        return string.Join(",", readers.Select(read => read()));
    }
}

public static partial class P_LocalFunctionCapturingForeachVariable
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var readers = new List<Func<string>>();
        foreach (var name in new[] { "a", "b", "c" })
        {
            await Ops.Yield();
            string Greet() => "hi " + name;
            readers.Add(Greet);
        }
        return string.Join(",", readers.Select(read => read()));
    }
}

public static partial class P_LocalFunctionWritingLoopLocal
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var bumps = new List<Action>();
        var reads = new List<Func<int>>();
        var n = 0;
        while (n < 2)
        {
            var counter = n * 100;
            void Bump() => counter++;
            int Get() => counter;
            bumps.Add(Bump);
            reads.Add(Get);
            await Ops.Yield();
            counter += 5;
            n++;
        }
        foreach (var bump in bumps) bump();
        return string.Join(",", reads.Select(read => read()));
    }
}

public static partial class P_ForConditionVariableCaptured
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var readers = new List<Func<string>>();
        var items = new object[] { "x", "y", 3 };
        for (var i = 0; i < items.Length && items[i] is string text; i++)
        {
            await Ops.Yield();
            readers.Add(() => text);
        }
        return string.Join(",", readers.Select(read => read()));
    }
}

public static partial class P_DoWhileConditionVariableCaptured
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var readers = new List<Func<string>>();
        var queue = new Queue<object>(new object[] { "p", "q", 1 });
        do
        {
            await Ops.Yield();
        } while (queue.Dequeue() is string item && Add(() => item));
        return string.Join(",", readers.Select(read => read()));

        bool Add(Func<string> reader)
        {
            readers.Add(reader);
            return true;
        }
    }
}

public static partial class P_ForIncrementerVariableCaptured
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var readers = new List<Func<int>>();
        var k = 0;
        for (var i = 0; i < 3; i++, readers.Add(int.TryParse((i * 7).ToString(), out var seven) ? () => seven + k : () => -1))
        {
            await Ops.Yield();
            k++;
        }
        return string.Join(",", readers.Select(read => read()));
    }
}

public static partial class P_ForLoopVariableCapturedByLambda
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var readers = new List<Func<int>>();
        for (var i = 0; i < 3; i++)
        {
            await Ops.Yield();
            readers.Add(() => i);
        }
        return string.Join(",", readers.Select(read => read()));
    }
}
public static partial class P_UserNamesLikeGeneratedHelpers
{
    private static string Hoist(string value) => "[" + value + "]";

    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        object o = "text";
        if (o is string s)
        {
            await Ops.Yield();
            log.Add(Hoist(s));
        }
        Func<int, int> DisposeChild = x => x + 1;
        int Finally1() => 41;
        string Poll() => "p";
        log.Add(Finally1().ToString());
        try
        {
            log.Add("try:t");
            await Ops.Yield();
            log.Add(Poll());
        }
        finally
        {
            log.Add("finally:t");
        }
        return DisposeChild(1).ToString();
    }
}

public static partial class P_LocalNamedHoist
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        object o = 5;
        Func<string, string> Hoist = x => "<" + x + ">";
        if (o is int n)
        {
            await Ops.Yield();
            log.Add(Hoist(n.ToString()));
        }
        return "done";
    }
}

public static partial class P_LocalFunctionNamedHoist
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        object o = 5;
        if (o is int n)
        {
            await Ops.Yield();
            log.Add(Hoist(n));
        }
        return "done";

        static string Hoist(int value) => "#" + value;
    }
}
