// Local functions and lambdas that read a variable of which each loop iteration has its own, converted to a type
// that is not a delegate type (Delegate, object): C# first gives them their natural type (Func<int>, Action).

public static partial class P_LocalFunctionOfALoopStoredAsDelegate
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var handlers = new List<Delegate>();
        for (int i = 0; i < 3; i++)
        {
            int copy = i * 10;
            int Read() => copy;
            handlers.Add(Read);
            await Ops.Yield();
        }
        return string.Join(",", handlers.Select(h => h.DynamicInvoke()));
    }
}

public static partial class P_LocalFunctionOfAForeachStoredAsObject
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var callbacks = new List<object>();
        foreach (var name in new[] { "ann", "bob" })
        {
            var greeting = await Ops.Value("hi " + name);
            void Greet() => log.Add(greeting);
            object callback = Greet;
            callbacks.Add(callback);
        }
        foreach (var callback in callbacks) ((Action)callback)();
        return callbacks.Count + " callbacks";
    }
}

public static partial class P_LambdaOfALoopStoredAsDelegate
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        Delegate? last = null;
        var all = new List<Delegate>();
        for (int round = 1; round <= 3; round++)
        {
            var square = await Ops.Value(round * round);
            Delegate show = () => "square " + square;
            all.Add(show);
            last = show;
        }
        return string.Join(", ", all.Select(d => d.DynamicInvoke())) + " / last: " + last!.DynamicInvoke();
    }
}
