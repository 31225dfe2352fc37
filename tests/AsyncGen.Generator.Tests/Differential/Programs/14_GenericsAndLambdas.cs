public partial class Holder<T>
{
    private readonly T _value;

    public Holder(T value) => _value = value;

    [PollAsync]
    public async Future<T> Get()
    {
        await Ops.Yield();
        return _value;
    }

    [PollAsync]
    public async Future<string> Describe<TOther>(TOther other)
    {
        var mine = await Get();
        return mine + "&" + await Ops.Value(other);
    }
}

public static partial class Generic
{
    [PollAsync]
    public static async Future<T> Largest<T>(T a, T b) where T : IComparable<T>
    {
        await Ops.Yield();
        return a.CompareTo(b) >= 0 ? a : b;
    }

    [PollAsync]
    public static async Future<List<T>> Repeat<T>(T item, int times)
    {
        var list = new List<T>();
        for (var i = 0; i < times; i++) list.Add(await Ops.Value(item));
        return list;
    }

    [PollAsync]
    public static async Future<T?> FirstOrDefault<T>(IEnumerable<T> items, Func<T, bool> match)
    {
        foreach (var item in items)
        {
            await Ops.Yield();
            if (match(item)) return item;
        }
        return default;
    }
}

public static partial class Work
{
    [PollAsync]
    public static async Future<int> Square(int x)
    {
        await Ops.Yield();
        return x * x;
    }

    [PollAsync]
    public static async Future<int> Fails(string message)
    {
        await Ops.Yield();
        throw new InvalidOperationException(message);
    }
}

public static partial class P_GenericConstrained
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var number = await Generic.Largest(3, 9);
        var word = await Generic.Largest("pear", "apple");
        return number + " " + word;
    }
}

public static partial class P_GenericReturnsList
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var list = await Generic.Repeat("ab", 3);
        var points = await Generic.Repeat(new Point(1, 2), 2);
        return string.Concat(list) + " " + points.Count;
    }
}

public static partial class P_GenericClassInstance
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var holder = new Holder<int>(42);
        var text = new Holder<string>("s");
        return await holder.Get() + " " + await text.Describe(3.5);
    }
}

public static partial class P_GenericWithDelegateArgument
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var limit = await Ops.Value(4);
        var found = await Generic.FirstOrDefault(new[] { 1, 3, 5, 7 }, x => x > limit);
        var none = await Generic.FirstOrDefault(new[] { "a" }, s => s.Length > 3);
        return found + " " + (none ?? "null");
    }
}

public static partial class P_LambdaReadsHoistedLocal
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var factor = 2;
        await Ops.Yield();
        Func<int, int> scale = x => x * factor;
        var first = scale(5);
        factor = await Ops.Value(10);
        return first + " " + scale(5);
    }
}

public static partial class P_LambdaWritesHoistedLocal
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var count = 0;
        Action bump = () => count++;
        bump();
        await Ops.Yield();
        bump();
        count += await Ops.Value(10);
        bump();
        return "count " + count;
    }
}

public static partial class P_LambdasCapturingLoopVariable
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var actions = new List<Func<string>>();
        foreach (var name in new[] { "a", "b", "c" })
        {
            var upper = await Ops.Value(name.ToUpperInvariant());
            actions.Add(() => name + upper);
        }
        return string.Join(",", actions.Select(a => a()));
    }
}

public static partial class P_LambdasCapturingLoopVariableAroundAwait
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var actions = new List<Func<string>>();
        foreach (var name in new[] { "a", "b" })
        {
            actions.Add(() => "before " + name);
            await Ops.Yield();
            Func<int, Func<string>> nested = n => () => name + n;
            actions.Add(nested(1));
            actions.Add(delegate { return "after " + name; });
        }
        return string.Join(",", actions.Select(a => a()));
    }
}

public static partial class P_LinqOverAwaitedData
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var data = await Ops.Value(new List<int> { 5, 1, 8, 3, 9 });
        var threshold = await Ops.Value(4);
        var picked = data.Where(x => x > threshold).OrderBy(x => x).Select(x => x * 2).ToList();
        await Ops.Yield();
        return string.Join(" ", picked) + " sum " + picked.Sum();
    }
}

public static partial class P_LocalFunctionReadsHoisted
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var prefix = await Ops.Value(">");
        string Decorate(string text) => prefix + text;
        var first = Decorate("a");
        prefix = await Ops.Value(">>");
        return first + " " + Decorate("b");
    }
}

public static partial class P_StaticLocalFunction
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        static int Triple(int x) => x * 3;
        var value = Triple(await Ops.Value(4));
        await Ops.Yield();
        return "triple " + Triple(value);
    }
}

public static partial class P_CallInsideLambda
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        Func<int, Future<int>> square = x => Work.Square(x);
        var value = await square(6);
        return "square " + value;
    }
}

public static partial class P_CallInsideLocalFunction
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        Future<int> SquareOf(int x) => Work.Square(x);
        var a = await SquareOf(2);
        var b = await SquareOf(a);
        return a + " " + b;
    }
}

public static partial class P_AsyncLambdaInBody
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var offset = await Ops.Value(100);
        Func<int, Future<int>> addLater = async x =>
        {
            await Ops.Yield();
            return x + offset;
        };
        return "sum " + await addLater(5);
    }
}

public static partial class P_ForwardingMethodNotAsync
{
    private static Future<int> SquareTwice(int x) => Work.Square(x * 2);

    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var value = await SquareTwice(3);
        return "forwarded " + value;
    }
}
