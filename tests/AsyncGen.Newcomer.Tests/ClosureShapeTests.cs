namespace AsyncGen.Newcomer.Tests;

/// <summary>
/// Lambdas and local functions capturing variables around awaits, beside the same code as <c>async Task</c>: each
/// entry into a block gets its own variables (also when the block is re-entered by <c>goto</c> or a <c>do</c>
/// loop), pattern, <c>out</c>, catch and switch-section variables captured, async local functions changing the
/// method's locals.
/// </summary>
public partial class ClosureShapeTests
{
    [PollAsync]
    private static async Future<T> Later<T>(T value)
    {
        await Future.Yield();
        return value;
    }

    private static async Task<T> LaterTask<T>(T value)
    {
        await Task.Yield();
        return value;
    }

    [PollAsync]
    private static async Future<string> BlocksEnteredAgain()
    {
        var fromGoto = new List<Func<int>>();
        var i = 0;
    again:
        {
            var copy = i * 10;
            fromGoto.Add(() => copy);
            await Future.Yield();
            copy++;
        }
        if (++i < 3) goto again;
        var fromDo = new List<Func<string>>();
        var n = 0;
        do
        {
            var label = $"d{n}";
            fromDo.Add(() => label);
            label += await Later("!");
        }
        while (++n < 3);
        var fromWhile = new List<Func<int>>();
        var w = 0;
        while (w < 3)
        {
            var square = w * w;
            await Future.Yield();
            fromWhile.Add(() => square + w);
            w++;
        }
        return $"{string.Join(",", fromGoto.Select(f => f()))} {string.Join(",", fromDo.Select(f => f()))} {string.Join(",", fromWhile.Select(f => f()))}";
    }

    private static async Task<string> BlocksEnteredAgainTask()
    {
        var fromGoto = new List<Func<int>>();
        var i = 0;
    again:
        {
            var copy = i * 10;
            fromGoto.Add(() => copy);
            await Task.Yield();
            copy++;
        }
        if (++i < 3) goto again;
        var fromDo = new List<Func<string>>();
        var n = 0;
        do
        {
            var label = $"d{n}";
            fromDo.Add(() => label);
            label += await LaterTask("!");
        }
        while (++n < 3);
        var fromWhile = new List<Func<int>>();
        var w = 0;
        while (w < 3)
        {
            var square = w * w;
            await Task.Yield();
            fromWhile.Add(() => square + w);
            w++;
        }
        return $"{string.Join(",", fromGoto.Select(f => f()))} {string.Join(",", fromDo.Select(f => f()))} {string.Join(",", fromWhile.Select(f => f()))}";
    }

    [Fact]
    public async Task A_block_entered_again_by_goto_do_or_while_gives_each_lambda_its_own_variables()
    {
        Assert.Equal(await BlocksEnteredAgainTask(), Executor.BlockOn(BlocksEnteredAgain()));
    }

    [PollAsync]
    private static async Future<string> CapturedKinds(object thing, string number, int section)
    {
        var readers = new List<Func<string>>();
        if (thing is string text)
        {
            readers.Add(() => text);
            await Future.Yield();
            text += "+";
        }
        if (int.TryParse(number, out var parsed))
        {
            readers.Add(() => $"{parsed}");
            parsed += await Later(1);
        }
        try
        {
            await Future.Yield();
            throw new InvalidOperationException("boom");
        }
        catch (InvalidOperationException e)
        {
            readers.Add(() => e.Message);
            await Future.Yield();
            e = new InvalidOperationException("replaced");
        }
        switch (section)
        {
            case 1:
                var one = "one";
                readers.Add(() => one);
                one = await Later("uno");
                break;
            default:
                var other = section;
                readers.Add(() => $"other {other}");
                other = await Later(-1);
                break;
        }
        var total = 0;
        async Task<int> AddAsync(int amount)
        {
            await Task.Yield();
            total += amount;
            return total;
        }
        int AddNow(int amount) => total += amount;
        var afterAsync = await AddAsync(5);
        AddNow(await Later(10));
        var viaLambda = await ((Func<Task<int>>)(async () => { await Task.Yield(); return total * 2; }))();
        return $"{string.Join(",", readers.Select(r => r()))} {afterAsync} {total} {viaLambda}";
    }

    private static async Task<string> CapturedKindsTask(object thing, string number, int section)
    {
        var readers = new List<Func<string>>();
        if (thing is string text)
        {
            readers.Add(() => text);
            await Task.Yield();
            text += "+";
        }
        if (int.TryParse(number, out var parsed))
        {
            readers.Add(() => $"{parsed}");
            parsed += await LaterTask(1);
        }
        try
        {
            await Task.Yield();
            throw new InvalidOperationException("boom");
        }
        catch (InvalidOperationException e)
        {
            readers.Add(() => e.Message);
            await Task.Yield();
            e = new InvalidOperationException("replaced");
        }
        switch (section)
        {
            case 1:
                var one = "one";
                readers.Add(() => one);
                one = await LaterTask("uno");
                break;
            default:
                var other = section;
                readers.Add(() => $"other {other}");
                other = await LaterTask(-1);
                break;
        }
        var total = 0;
        async Task<int> AddAsync(int amount)
        {
            await Task.Yield();
            total += amount;
            return total;
        }
        int AddNow(int amount) => total += amount;
        var afterAsync = await AddAsync(5);
        AddNow(await LaterTask(10));
        var viaLambda = await ((Func<Task<int>>)(async () => { await Task.Yield(); return total * 2; }))();
        return $"{string.Join(",", readers.Select(r => r()))} {afterAsync} {total} {viaLambda}";
    }

    [Theory]
    [InlineData("text", "41", 1)]
    [InlineData(7, "x", 2)]
    public async Task Pattern_out_catch_and_switch_variables_captured_and_changed_after_awaits_match_async_Task(object thing, string number, int section)
    {
        Assert.Equal(await CapturedKindsTask(thing, number, section), Executor.BlockOn(CapturedKinds(thing, number, section)));
    }

    [PollAsync]
    private static async Future<string> WrittenInLoops(int[] values)
    {
        var last = -1;
        var count = 0;
        Func<string> report = () => $"{last}/{count}";
        var seen = new List<string>();
        foreach (var value in values)
        {
            seen.Add(report());
            last = value;
            await Future.Yield();
            count++;
        }
        var i = 0;
        while (i < 2)
        {
            last = await Later(i * 100);
            i++;
        }
        return $"{string.Join(",", seen)} {report()}";
    }

    private static async Task<string> WrittenInLoopsTask(int[] values)
    {
        var last = -1;
        var count = 0;
        Func<string> report = () => $"{last}/{count}";
        var seen = new List<string>();
        foreach (var value in values)
        {
            seen.Add(report());
            last = value;
            await Task.Yield();
            count++;
        }
        var i = 0;
        while (i < 2)
        {
            last = await LaterTask(i * 100);
            i++;
        }
        return $"{string.Join(",", seen)} {report()}";
    }

    [Fact]
    public async Task A_captured_local_written_in_loops_that_await_is_seen_by_the_lambda()
    {
        Assert.Equal(await WrittenInLoopsTask([3, 4, 5]), Executor.BlockOn(WrittenInLoops([3, 4, 5])));
    }

    [PollAsync]
    private static async Future<string> WrittenByReference()
    {
        var hits = 0;
        Func<int> read = () => hits;
        await Future.Yield();
        Interlocked.Increment(ref hits);
        Interlocked.Add(ref hits, await Later(10));
        int.TryParse(await Later("5"), out hits);
        hits++;
        return $"{read()} {hits}";
    }

    [Fact]
    public void A_captured_local_written_through_ref_and_out_after_awaits_is_seen_by_the_lambda()
    {
        Assert.Equal("6 6", Executor.BlockOn(WrittenByReference()));
    }
}
