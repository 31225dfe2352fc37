// Issue 10, item 3: code that did not compile, computed another value than C#, or fell back. Each program is the
// snippet of the issue in a form all three worlds run (generated, fallback builder, async Task).

public sealed class FidelityResource(List<string> log, string name) : IDisposable, IAsyncDisposable
{
    public string Name => name;

    public static FidelityResource Open(List<string> log, string name)
    {
        log.Add("open:" + name);
        return new FidelityResource(log, name);
    }

    public void Touch() => log.Add("touch:" + name);

    public void Dispose() => log.Add("finally:" + name);

    public ValueTask DisposeAsync()
    {
        log.Add("finally:" + name);
        return default;
    }
}

public struct FidelityPoint
{
    public int X;
}

public sealed class FidelityHolder
{
    public FidelityPoint[] Points = new FidelityPoint[2];
    public FidelityPoint Single;
}

public static class Fidelity
{
    public static int Log(List<string> log, string label)
    {
        log.Add("eval " + label);
        return 0;
    }

    public static string Take(ref int target, int second, int third)
    {
        target += third;
        return "took " + target;
    }

    public static (int, string) Pair(int number, string text) => (number, text);
}

public sealed class FidelityNamed(int first, int second)
{
    public override string ToString() => first + "/" + second;
}

public static partial class P_AwaitFinallyUsingDeclarationUnusedAfterAwait
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        await using var resource = FidelityResource.Open(log, "r");
        resource.Touch();
        return "done";
    }
}

public static partial class P_AwaitFinallyUsingStatementUnusedAfterAwait
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        await using (var resource = FidelityResource.Open(log, "r"))
        {
            resource.Touch();
        }
        log.Add("after");
        return "done";
    }
}

public static partial class P_UsingStatementOfAnAwaitedResource
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        using (var resource = await Ops.Value(FidelityResource.Open(log, "s")))
        {
            resource.Touch();
        }
        return "closed";
    }
}

public static partial class P_UsingVarOfAnAwaitedResourceThenReturn
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        using var resource = await Ops.Value(FidelityResource.Open(log, "v"));
        return resource.Name;
    }
}

public static partial class P_StructArrayElementCompoundAssignment
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var points = new FidelityPoint[2];
        points[1].X = 1;
        points[1].X += await Ops.Value(41);
        var holder = new FidelityHolder();
        holder.Points[0].X += await Ops.Value(7);
        holder.Single.X -= await Ops.Value(2);
        log.Add("holder " + holder.Points[0].X + " " + holder.Single.X);
        return points[1].X.ToString();
    }
}

public static partial class P_RefArgumentEvaluatedBeforeLaterArguments
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var numbers = new int[1];
        log.Add(Fidelity.Take(ref numbers[0], Fidelity.Log(log, "second"), await Ops.Value(3)));
        int[]? missing = null;
        try
        {
            log.Add(Fidelity.Take(ref missing![0], Fidelity.Log(log, "after null"), await Ops.Value(4)));
        }
        catch (NullReferenceException)
        {
            log.Add("null array");
        }
        try
        {
            log.Add(Fidelity.Take(ref numbers[5], Fidelity.Log(log, "after bad index"), await Ops.Value(5)));
        }
        catch (IndexOutOfRangeException)
        {
            log.Add("bad index");
        }
        return numbers[0].ToString();
    }
}

public static partial class P_DeconstructionAcrossAwaits
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var (number, text) = Fidelity.Pair(2, "two");
        await Ops.Yield();
        var (left, (right, _)) = await Ops.Value((number * 10, (text + "!", 0)));
        var (kept, dropped) = (left + 1, 0);
        log.Add("dropped " + dropped);
        await Ops.Yield();
        return $"{number} {text} {left} {right} {kept}";
    }
}

public sealed partial class P_PrimaryConstructorParameter(List<string> sink, int factor)
{
    [PollAsync]
    public static async Future<string> Run(List<string> log) => await new P_PrimaryConstructorParameter(log, 3).Scale(14);

    [PollAsync]
    private async Future<string> Scale(int value)
    {
        sink.Add("factor " + factor);
        await Ops.Yield();
        factor += 1;
        sink.Add("factor " + factor);
        return (value * factor).ToString();
    }
}

public static partial class P_NamedArgumentsInAConstructorCall
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var named = new FidelityNamed(second: Fidelity.Log(log, "second") + 2, first: await Ops.Value(1));
        await Ops.Yield();
        return named.ToString();
    }
}

public static partial class P_DynamicResult
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        dynamic value = await Get(log);
        log.Add("length " + value.Length);
        return (string)value;
    }

    [PollAsync]
    private static async Future<dynamic> Get(List<string> log)
    {
        await Ops.Yield();
        log.Add("got");
        return "dynamic";
    }
}
