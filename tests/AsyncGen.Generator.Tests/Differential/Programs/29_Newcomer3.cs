// A third round of programs written the way a newcomer writes async C#: readonly struct and readonly member
// methods called from plain code (their interceptor takes 'in this'), variables declared in a catch filter and read
// in a catch block that awaits.

public readonly partial record struct Nc3Money(string Currency, int Cents)
{
    [PollAsync]
    public async Future<Nc3Money> Add(int cents)
    {
        await Ops.Yield();
        return this with { Cents = Cents + cents };
    }
}

public partial struct Nc3Tally
{
    public int Count;

    [PollAsync]
    public readonly async Future<int> Peek(List<string> log)
    {
        // Logged before the await: as async Task, Peek's and Bump's continuations run on the thread pool at once, so
        // two logs after their awaits came in either order (the program failed once under load).
        log.Add("peek " + Count);
        await Ops.Yield();
        return Count;
    }

    [PollAsync]
    public async Future<int> Bump(List<string> log)
    {
        Count++;
        await Ops.Yield();
        Count++;
        log.Add("bumped to " + Count);
        return Count;
    }
}

public static class Nc3Plain
{
    // Plain (not [PollAsync]) code: these calls go through the interceptors.
    public static Future<Nc3Money> AddLater(Nc3Money money, int cents) => money.Add(cents);
    public static Future<int> PeekLater(in Nc3Tally tally, List<string> log) => tally.Peek(log);
    public static Future<int> BumpLater(ref Nc3Tally tally, List<string> log) => tally.Bump(log);
}

public static partial class P_Nc3ReadonlyStructMethodsThroughInterceptors
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var money = await Nc3Plain.AddLater(new Nc3Money("EUR", 150), await Ops.Value(25));
        var tally = new Nc3Tally { Count = 3 };
        var peek = Nc3Plain.PeekLater(tally, log);
        tally.Count = 10; // the async method copied the struct at the call
        var bump = Nc3Plain.BumpLater(ref tally, log);
        return money + " " + await peek + " " + await bump + " " + tally.Count;
    }
}

public sealed class Nc3HttpError(int status) : Exception("status " + status)
{
    public int Status => status;
}

public static partial class P_Nc3CatchFilterVariablesReadAfterAwait
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var results = new List<string>();
        foreach (var status in new[] { 404, 500, 302 })
        {
            try
            {
                await Ops.Yield();
                throw new InvalidOperationException("wrapped", new Nc3HttpError(status));
            }
            catch (InvalidOperationException e) when (e.InnerException is Nc3HttpError { Status: >= 400 and var code } inner &&
                                                      int.TryParse(code.ToString()[..1], out var family))
            {
                log.Add("caught " + code);
                results.Add(await Ops.Value(family + "xx:" + code + ":" + inner.Message));
                results.Add(code + "/" + family);
            }
            catch (InvalidOperationException e)
            {
                results.Add(await Ops.Value("other " + e.InnerException!.Message));
            }
        }
        return string.Join(",", results);
    }
}

public static class Nc3Streams
{
    public static async IAsyncEnumerable<int> Count(List<string> log, int count,
        [System.Runtime.CompilerServices.EnumeratorCancellation] System.Threading.CancellationToken token = default)
    {
        try
        {
            for (var i = 0; i < count; i++)
            {
                await Task.Yield();
                token.ThrowIfCancellationRequested();
                yield return i;
            }
        }
        finally
        {
            log.Add("finally:iterator");
        }
    }
}

public static partial class P_Nc3AwaitForEachWithCancellationAndBreak
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        using var cts = new System.Threading.CancellationTokenSource();
        var sum = 0;
        await foreach (var n in Nc3Streams.Count(log, 10).WithCancellation(cts.Token))
        {
            sum += await Ops.Value(n);
            if (n == 3) break;
        }
        await foreach (var n in Nc3Streams.Count(log, 3).WithCancellation(cts.Token).ConfigureAwait(false))
        {
            log.Add("configured " + n);
            await Ops.Yield();
        }
        return "sum " + sum;
    }
}

public static partial class P_Nc3AwaitForEachWithCancellationCancelled
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        using var cts = new System.Threading.CancellationTokenSource();
        var seen = 0;
        try
        {
            await foreach (var n in Nc3Streams.Count(log, 10).WithCancellation(cts.Token))
            {
                seen++;
                if (n == 2) cts.Cancel();
                await Ops.Yield();
            }
            return "finished";
        }
        catch (OperationCanceledException)
        {
            return "cancelled after " + seen;
        }
    }
}

public static partial class P_Nc3LocalFunctionCapturesLocalCalledAfterAwait
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var calls = 0;
        var prefix = "n";
        int Next() => ++calls;
        string Label() => prefix + calls;
        var first = Next();
        await Ops.Yield();
        var second = Next();
        log.Add(Label());
        Func<int> next = Next;
        await Ops.Yield();
        return first + " " + second + " " + next() + " " + Label();
    }
}
