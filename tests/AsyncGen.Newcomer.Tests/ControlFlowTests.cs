namespace AsyncGen.Newcomer.Tests;

/// <summary>
/// Everyday statement shapes around awaits, each beside the same code as <c>async Task</c>: switch expressions and
/// patterns on awaited values, interpolation with awaits, exception filters and rethrow, using and try/finally left
/// by return, break and continue.
/// </summary>
public partial class ControlFlowTests
{
    internal abstract record Shape;
    internal sealed record Circle(double Radius) : Shape;
    internal sealed record Rect(double Width, double Height) : Shape;

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
    private static async Future<string> Classify(int code) => await Later(code) switch
    {
        200 => "ok",
        >= 400 and < 500 when code == 404 => "not found",
        >= 400 and < 500 => "client error",
        var other => $"other {other}",
    };

    private static async Task<string> ClassifyTask(int code) => await LaterTask(code) switch
    {
        200 => "ok",
        >= 400 and < 500 when code == 404 => "not found",
        >= 400 and < 500 => "client error",
        var other => $"other {other}",
    };

    [Theory]
    [InlineData(200)]
    [InlineData(404)]
    [InlineData(418)]
    [InlineData(503)]
    public async Task Switch_expression_with_an_awaited_subject_and_an_awaiting_when(int code)
    {
        Assert.Equal(await ClassifyTask(code), Executor.BlockOn(Classify(code)));
    }

    [PollAsync]
    private static async Future<string> Area(Shape? shape)
    {
        switch (await Later(shape))
        {
            case Circle { Radius: > 10 } big:
                return $"big circle {big.Radius}";
            case Circle c:
                return $"circle {Math.Round(Math.PI * c.Radius * c.Radius, 1)}";
            case Rect(var w, var h) when w == h:
                return $"square {await Later(w * h)}";
            case Rect r:
                return $"rect {r.Width * r.Height}";
            case null:
                return "nothing";
            default:
                return "unknown";
        }
    }

    [Fact]
    public void Switch_statement_with_property_positional_and_null_patterns()
    {
        Assert.Equal("big circle 11", Executor.BlockOn(Area(new Circle(11))));
        Assert.Equal("circle 3.1", Executor.BlockOn(Area(new Circle(1))));
        Assert.Equal("square 4", Executor.BlockOn(Area(new Rect(2, 2))));
        Assert.Equal("rect 6", Executor.BlockOn(Area(new Rect(2, 3))));
        Assert.Equal("nothing", Executor.BlockOn(Area(null)));
    }

    [PollAsync]
    private static async Future<string> Interpolate(string name) =>
        $"Hello {await Later(name)}, you have {await Later(3),3} messages ({await Later(0.5):P0} read) at {await Later(new DateTime(2026, 1, 2)):yyyy-MM-dd}";

    private static async Task<string> InterpolateTask(string name) =>
        $"Hello {await LaterTask(name)}, you have {await LaterTask(3),3} messages ({await LaterTask(0.5):P0} read) at {await LaterTask(new DateTime(2026, 1, 2)):yyyy-MM-dd}";

    [Fact]
    public async Task String_interpolation_with_awaits_alignment_and_formats()
    {
        Assert.Equal(await InterpolateTask("ada"), Executor.BlockOn(Interpolate("ada")));
    }

    private sealed class HttpError(int status) : Exception($"status {status}")
    {
        public int Status => status;
    }

    [PollAsync]
    private static async Future<int> Request(int status)
    {
        await Future.Yield();
        if (status >= 400) throw new HttpError(status);
        return status;
    }

    private static async Task<int> RequestTask(int status)
    {
        await Task.Yield();
        if (status >= 400) throw new HttpError(status);
        return status;
    }

    [PollAsync]
    private static async Future<string> RetryWithFilters(int[] statuses, List<string> log)
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                return $"got {await Request(statuses[attempt])} after {attempt} retries";
            }
            catch (HttpError e) when (e.Status >= 500 && attempt < statuses.Length - 1)
            {
                log.Add($"retry {e.Status}");
                await Future.Yield();
                continue;
            }
            catch (HttpError e) when (Log(log, $"filter saw {e.Status}"))
            {
                throw; // never: Log returns false
            }
            catch (HttpError e) when (e.Status == 404)
            {
                return "missing";
            }
            finally
            {
                log.Add($"attempt {attempt} done");
            }
        }
    }

    private static async Task<string> RetryWithFiltersTask(int[] statuses, List<string> log)
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                return $"got {await RequestTask(statuses[attempt])} after {attempt} retries";
            }
            catch (HttpError e) when (e.Status >= 500 && attempt < statuses.Length - 1)
            {
                log.Add($"retry {e.Status}");
                await Task.Yield();
                continue;
            }
            catch (HttpError e) when (Log(log, $"filter saw {e.Status}"))
            {
                throw;
            }
            catch (HttpError e) when (e.Status == 404)
            {
                return "missing";
            }
            finally
            {
                log.Add($"attempt {attempt} done");
            }
        }
    }

    private static bool Log(List<string> log, string text)
    {
        log.Add(text);
        return false;
    }

    [Theory]
    [InlineData(new[] { 200 })]
    [InlineData(new[] { 503, 502, 200 })]
    [InlineData(new[] { 503, 404 })]
    [InlineData(new[] { 503, 400 })]
    [InlineData(new[] { 503, 503 })]
    public async Task Retry_loop_with_exception_filters_continue_and_finally_matches_async_Task(int[] statuses)
    {
        var expectedLog = new List<string>();
        var actualLog = new List<string>();
        string expected, actual;
        try { expected = await RetryWithFiltersTask(statuses, expectedLog); }
        catch (HttpError e) { expected = "threw " + e.Status; }
        try { actual = Executor.BlockOn(RetryWithFilters(statuses, actualLog)); }
        catch (HttpError e) { actual = "threw " + e.Status; }
        Assert.Equal(expected, actual);
        Assert.Equal(expectedLog, actualLog);
    }

    private sealed class Tracked(List<string> log, string name) : IDisposable, IAsyncDisposable
    {
        public void Dispose() => log.Add($"dispose {name}");

        public async ValueTask DisposeAsync()
        {
            await Task.Yield();
            log.Add($"disposeAsync {name}");
        }
    }

    [PollAsync]
    private static async Future<int> LoopWithResources(List<string> log)
    {
        int total = 0;
        for (int i = 0; i < 6; i++)
        {
            using var perItem = new Tracked(log, $"item{i}");
            await using var perItemAsync = new Tracked(log, $"async{i}");
            try
            {
                if (i == 1) continue;
                if (i == 4) break;
                total += await Later(i);
                if (total > 100) return -1;
            }
            finally
            {
                log.Add($"finally {i}");
            }
        }
        using (new Tracked(log, "tail"))
        {
            if (await Later(total) == 5) return total * 10;
        }
        return total;
    }

    private static async Task<int> LoopWithResourcesTask(List<string> log)
    {
        int total = 0;
        for (int i = 0; i < 6; i++)
        {
            using var perItem = new Tracked(log, $"item{i}");
            await using var perItemAsync = new Tracked(log, $"async{i}");
            try
            {
                if (i == 1) continue;
                if (i == 4) break;
                total += await LaterTask(i);
                if (total > 100) return -1;
            }
            finally
            {
                log.Add($"finally {i}");
            }
        }
        using (new Tracked(log, "tail"))
        {
            if (await LaterTask(total) == 5) return total * 10;
        }
        return total;
    }

    [Fact]
    public async Task Using_await_using_and_finally_left_by_continue_break_and_return()
    {
        var expectedLog = new List<string>();
        var actualLog = new List<string>();
        Assert.Equal(await LoopWithResourcesTask(expectedLog), Executor.BlockOn(LoopWithResources(actualLog)));
        Assert.Equal(expectedLog, actualLog);
    }

    [PollAsync]
    private static async Future<string> RethrowKeepsTheOriginal()
    {
        try
        {
            await Request(500);
            return "no";
        }
        catch (Exception e) when (e is HttpError)
        {
            await Future.Yield(); // an await in a catch, then a bare rethrow
            throw;
        }
    }

    [Fact]
    public void A_bare_throw_after_an_await_in_catch_rethrows_the_same_exception_with_its_origin()
    {
        var error = Assert.Throws<HttpError>(() => Executor.BlockOn(RethrowKeepsTheOriginal()));
        Assert.Equal(500, error.Status);
        Assert.Contains(nameof(Request), error.StackTrace);
    }

    [PollAsync]
    private static async Future<string> WrapAndUnwrap()
    {
        try
        {
            try
            {
                await Request(502);
            }
            catch (HttpError e)
            {
                throw new InvalidOperationException("wrapped", e);
            }
            return "no";
        }
        catch (InvalidOperationException e) when (e.InnerException is HttpError { Status: var status })
        {
            return $"inner {status}: {await Later(e.Message)}";
        }
    }

    [Fact]
    public void An_exception_wrapped_in_a_catch_is_matched_by_a_property_pattern_filter_outside()
    {
        Assert.Equal("inner 502: wrapped", Executor.BlockOn(WrapAndUnwrap()));
    }

    [PollAsync]
    private static async Future<string> Route(string path, List<string> log)
    {
        switch (path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            case ["users", var id] when int.TryParse(id, out _):
                log.Add("user " + id);
                return $"user {await Later(id)}";
            case ["users", ..]:
                goto default;
            case ["health"]:
                using (new Tracked(log, "probe"))
                {
                    return await Later("ok");
                }
            case []:
                return "root";
            default:
                log.Add("404 " + path);
                return "not found";
        }
    }

    private static async Task<string> RouteTask(string path, List<string> log)
    {
        switch (path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            case ["users", var id] when int.TryParse(id, out _):
                log.Add("user " + id);
                return $"user {await LaterTask(id)}";
            case ["users", ..]:
                goto default;
            case ["health"]:
                using (new Tracked(log, "probe"))
                {
                    return await LaterTask("ok");
                }
            case []:
                return "root";
            default:
                log.Add("404 " + path);
                return "not found";
        }
    }

    [Theory]
    [InlineData("/users/42")]
    [InlineData("/users/ada")]
    [InlineData("/health")]
    [InlineData("/")]
    [InlineData("/other/x")]
    public async Task Switch_statement_with_list_patterns_a_when_goto_default_and_using(string path)
    {
        var expectedLog = new List<string>();
        var actualLog = new List<string>();
        Assert.Equal(await RouteTask(path, expectedLog), Executor.BlockOn(Route(path, actualLog)));
        Assert.Equal(expectedLog, actualLog);
    }
}
