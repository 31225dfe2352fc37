// 'var' locals holding lambdas whose delegate type C# synthesizes (ref/out/params parameters, default values), kept
// across awaits: their fields have a delegate type the machine declares with the same signature.

public static partial class P_VarRefLambdaKeptAcrossAwaits
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var add = (int x, ref int total) => { total += x; log.Add("add " + x); };
        var total = 0;
        await Ops.Yield();
        add(3, ref total);
        add += (int x, ref int t) => t *= 2;
        var copy = add;
        await Ops.Yield();
        copy(4, ref total);
        add = (int x, ref int t) => t -= x;
        add(1, ref total);
        var parse = (string text, out int value) => int.TryParse(text, out value);
        await Ops.Yield();
        var parsed = parse("42", out var value) ? value : -1;
        return total + " " + parsed + " " + (copy is not null);
    }
}

public static partial class P_VarDefaultAndParamsLambdasKeptAcrossAwaits
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var greet = (string name = "world", char mark = '!') => "hello " + name + mark;
        var sum = (params int[] values) => values.Sum();
        log.Add(greet());
        await Ops.Yield();
        log.Add(greet("you", '?'));
        var text = greet() + " " + sum() + " " + sum(1, 2, 3) + " " + await Ops.Value(sum(4));
        await Ops.Yield();
        return text + " " + greet("again");
    }
}

public static partial class P_VarSynthesizedLambdaCapturedAndMethodGroup
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        static void Increment(ref int x) => x++;
        var inc = Increment;
        var scale = (ref int v) => v *= 3;
        Func<int, int> apply = n => { scale(ref n); inc(ref n); return n; };
        await Ops.Yield();
        var n = 1;
        inc(ref n);
        scale(ref n);
        var text = n + " " + apply(2);
        scale = (ref int v) => v += 100;
        await Ops.Yield();
        return text + " " + apply(2);
    }
}
