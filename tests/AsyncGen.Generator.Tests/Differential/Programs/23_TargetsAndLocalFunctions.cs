// Struct array elements written through awaited indices, increments around awaits, short-circuit side effects, and
// local functions (generic, recursive, declared after use) reading per-iteration variables.

public struct NcVector
{
    public int X;
    public int Y;
    public void Move(int dx) => X += dx;
    public override string ToString() => X + ";" + Y;
}

public static partial class P_NcStructLocalArrayIndexAwaited
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var points = new NcVector[3];
        points[await Ops.Value(1)].X = 5;
        points[await Ops.Value(2)].Move(await Ops.Value(7));
        points[0].Y++;
        points[await Ops.Value(0)].Y += 10;
        var v = new NcVector();
        v.Move(await Ops.Value(3));
        v.Y = await Ops.Value(4);
        return string.Join("|", points) + " " + v;
    }
}

public static partial class P_NcPrefixPostfixAroundAwaits
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var i = 0;
        var arr = new int[4];
        arr[i++] = await Ops.Value(10);
        arr[i++] += await Ops.Value(20);
        arr[++i] = i + await Ops.Value(1);
        var sum = i++ + await Ops.Value(100) + ++i;
        return string.Join(",", arr) + " " + i + " " + sum;
    }
}

public static partial class P_NcShortCircuitSideEffects
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var calls = 0;
        bool Touch(bool value) { calls++; return value; }
        var a = Touch(false) && await Ops.Value(Touch(true));
        var b = Touch(true) || await Ops.Value(Touch(false));
        var c = await Ops.Value(Touch(true)) && Touch(true);
        return $"{a} {b} {c} {calls}";
    }
}

public static partial class P_NcLocalFunctionCalledBeforeDeclarationAcrossAwait
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var factor = await Ops.Value(3);
        var result = Scale(await Ops.Value(4));
        factor = 10;
        result += Scale(1);
        return result.ToString();

        int Scale(int x) => x * factor;
    }
}

public static partial class P_NcGenericLocalFunctionInLoop
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var outputs = new List<Func<string>>();
        foreach (var tag in new[] { "x", "y" })
        {
            await Ops.Yield();
            string Wrap<T>(T value) => tag + "(" + value + ")";
            outputs.Add(() => Wrap(1));
            Func<int, string> wrapInt = Wrap;
            outputs.Add(() => wrapInt(2));
            log.Add(Wrap("now"));
        }
        return string.Join(",", outputs.Select(o => o()));
    }
}

public static partial class P_NcRecursiveLocalFunctionInLoop
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var results = new List<Func<int>>();
        for (var i = 1; i <= 2; i++)
        {
            var baseValue = i * 10;
            await Ops.Yield();
            int Sum(int n) => n == 0 ? baseValue : n + Sum(n - 1);
            int Outer() => Sum(3);
            results.Add(Outer);
        }
        return string.Join(",", results.Select(r => r()));
    }
}

public static partial class P_NcWhileConditionVariableInLocalFunction
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var readers = new List<Func<string>>();
        var items = new Queue<object>(new object[] { "a", "b", 1 });
        while (items.Dequeue() is string s)
        {
            string Read() => "<" + s + ">";
            await Ops.Yield();
            readers.Add(Read);
        }
        return string.Join("", readers.Select(r => r()));
    }
}

public static partial class P_NcUsingStatementWithAwaitInBodyAndReturn
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        foreach (var name in new[] { "a", "b" })
        {
            using (var reader = new System.IO.StringReader(name + "\nline2"))
            {
                var first = reader.ReadLine();
                await Ops.Yield();
                if (name == "b") return first + "|" + reader.ReadLine();
            }
        }
        return "none";
    }
}
