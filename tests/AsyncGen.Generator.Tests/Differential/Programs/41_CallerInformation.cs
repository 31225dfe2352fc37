// Calls whose callee takes caller information: C# fills [CallerMemberName], [CallerLineNumber] and
// [CallerArgumentExpression] from where the user wrote the call (the method, its line, the argument's text), not from
// the machine's Poll and the rewritten arguments (__r3 + 1, _x * 2); [CallerFilePath] comes from the #line directives.
// Helper types are prefixed Nd (the corpus is one compilation).

public static class NdCaller
{
    public static string Where(string text, [System.Runtime.CompilerServices.CallerMemberName] string member = "", [System.Runtime.CompilerServices.CallerLineNumber] int line = 0) => text + "@" + member;
    public static string Expr(int value, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(value))] string expression = "") => value + "=" + expression;
    public static string File(string text, [System.Runtime.CompilerServices.CallerFilePath] string path = "") => text + ":" + System.IO.Path.GetFileName(path);
}

public sealed class NdTraced
{
    public string Text { get; }
    public NdTraced(string text, [System.Runtime.CompilerServices.CallerMemberName] string member = "", [System.Runtime.CompilerServices.CallerLineNumber] long line = 0) => Text = text + "@" + member + ":" + (line > 0);
}

public static class NdCallerExtensions
{
    public static string Shown(this int value, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(value))] string expression = "") => value + " from " + expression;
}

public static partial class P_NdCallerInfoOfPollAsyncCallees
{
    [PollAsync]
    private static async Future<string> Described(int value, [System.Runtime.CompilerServices.CallerMemberName] string caller = "", [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(value))] string expression = "")
    {
        await Ops.Yield();
        return value + " by " + caller + " as " + expression;
    }

    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var a = 1;
        log.Add(await Described(a + 1));
        log.Add(await Described(await Ops.Value(5) * 2));
        var later = Described(a * 3);
        log.Add(await later);
        log.Add(new NdTraced(await Ops.Value("made")).Text);
        NdTraced made = new("implicit");
        log.Add(made.Text);
        Func<string> inLambda = () => NdCaller.Where("lambda") + NdCaller.Expr(a + a);
        string Local() => NdCaller.Where("local");
        await Ops.Yield();
        log.Add(inLambda() + " " + Local());
        log.Add((a + 40).Shown() + " / " + (await Ops.Value(2)).Shown());
        int line1 = Lines(), line2 =
            Lines();
        await Ops.Yield();
        int line3 = Lines(await Ops.Value(0)), line4 = Lines(
            0);
        log.Add($"{line2 - line1} {line3 - line1} {line4 - line1}");
        return "ok";
    }

    private static int Lines(int unused = 0, [System.Runtime.CompilerServices.CallerLineNumber] int line = 0) => line;
}

public static partial class P_NdCallerInfoAroundAwaits
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        log.Add(NdCaller.Where(await Ops.Value("a")));
        await Ops.Yield();
        log.Add(NdCaller.Where("b"));
        log.Add(NdCaller.Expr(await Ops.Value(3) + 1));
        var x = 2;
        await Ops.Yield();
        log.Add(NdCaller.Expr(x * 2));
        log.Add(NdCaller.File(await Ops.Value("f")));
        return "ok";
    }
}
