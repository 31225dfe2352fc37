namespace AsyncGen.Newcomer.Tests;

/// <summary>
/// Exception handling around awaits, logged step by step beside the same code as <c>async Task</c>: when filters
/// run before the finally blocks they look through (two-pass handling), rethrow after an await in a catch, a
/// finally that throws replaces the exception in flight, nested handlers in loops.
/// </summary>
public partial class ExceptionOrderTests
{
    [PollAsync]
    private static async Future<T> Later<T>(List<string> log, T value)
    {
        log.Add($"await {value}");
        await Future.Yield();
        return value;
    }

    private static async Task<T> LaterTask<T>(List<string> log, T value)
    {
        log.Add($"await {value}");
        await Task.Yield();
        return value;
    }

    private static bool Filter(List<string> log, string name, bool result)
    {
        log.Add($"filter {name} {result}");
        return result;
    }

    [PollAsync]
    private static async Future<string> FiltersAndFinally(List<string> log, int code)
    {
        try
        {
            try
            {
                await Later(log, "inside");
                throw new InvalidOperationException($"code {code}");
            }
            catch (InvalidOperationException e) when (Filter(log, "inner", code == 1))
            {
                log.Add($"inner catch {e.Message}");
                await Later(log, "in catch");
            }
            finally
            {
                log.Add("inner finally");
            }
        }
        catch (Exception e) when (Filter(log, "outer", code == 2))
        {
            log.Add($"outer catch {e.Message}");
        }
        catch (InvalidOperationException e)
        {
            log.Add($"last catch {e.Message}");
            await Later(log, "last");
        }
        finally
        {
            log.Add("outer finally");
        }
        return string.Join("; ", log);
    }

    private static async Task<string> FiltersAndFinallyTask(List<string> log, int code)
    {
        try
        {
            try
            {
                await LaterTask(log, "inside");
                throw new InvalidOperationException($"code {code}");
            }
            catch (InvalidOperationException e) when (Filter(log, "inner", code == 1))
            {
                log.Add($"inner catch {e.Message}");
                await LaterTask(log, "in catch");
            }
            finally
            {
                log.Add("inner finally");
            }
        }
        catch (Exception e) when (Filter(log, "outer", code == 2))
        {
            log.Add($"outer catch {e.Message}");
        }
        catch (InvalidOperationException e)
        {
            log.Add($"last catch {e.Message}");
            await LaterTask(log, "last");
        }
        finally
        {
            log.Add("outer finally");
        }
        return string.Join("; ", log);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task When_filters_run_before_the_inner_finally_as_in_async_Task(int code)
    {
        Assert.Equal(await FiltersAndFinallyTask([], code), Executor.BlockOn(FiltersAndFinally([], code)));
    }

    [PollAsync]
    private static async Future<string> FinallyReplaces(List<string> log)
    {
        try
        {
            try
            {
                await Later(log, 1);
                throw new ArgumentException("first");
            }
            finally
            {
                await Later(log, 2);
                throw new FormatException("from finally");
            }
        }
        catch (Exception e)
        {
            log.Add($"{e.GetType().Name} {e.Message} inner={e.InnerException?.Message ?? "none"}");
        }
        try
        {
            try
            {
                await Later(log, 3);
                throw new ArgumentException("second");
            }
            catch (ArgumentException) when (Filter(log, "rethrow", true))
            {
                log.Add("caught with an awaited filter value");
                await Later(log, 5);
                throw;
            }
        }
        catch (ArgumentException e)
        {
            log.Add($"rethrown {e.Message}");
        }
        return string.Join("; ", log);
    }

    private static async Task<string> FinallyReplacesTask(List<string> log)
    {
        try
        {
            try
            {
                await LaterTask(log, 1);
                throw new ArgumentException("first");
            }
            finally
            {
                await LaterTask(log, 2);
                throw new FormatException("from finally");
            }
        }
        catch (Exception e)
        {
            log.Add($"{e.GetType().Name} {e.Message} inner={e.InnerException?.Message ?? "none"}");
        }
        try
        {
            try
            {
                await LaterTask(log, 3);
                throw new ArgumentException("second");
            }
            catch (ArgumentException) when (Filter(log, "rethrow", true))
            {
                log.Add("caught with an awaited filter value");
                await LaterTask(log, 5);
                throw;
            }
        }
        catch (ArgumentException e)
        {
            log.Add($"rethrown {e.Message}");
        }
        return string.Join("; ", log);
    }

    [Fact]
    public async Task A_throwing_finally_replaces_the_exception_and_a_rethrow_after_awaits_keeps_it()
    {
        Assert.Equal(await FinallyReplacesTask([]), Executor.BlockOn(FinallyReplaces([])));
    }

    [PollAsync]
    private static async Future<string> HandlersInLoops(List<string> log)
    {
        var attempts = 0;
        for (var i = 0; i < 4; i++)
        {
            try
            {
                attempts++;
                if (await Later(log, i) % 2 == 0) continue;
                if (i == 3) break;
                throw new TimeoutException($"try {i}");
            }
            catch (TimeoutException e) when (e.Message.EndsWith("1"))
            {
                log.Add("timeout 1");
                continue;
            }
            finally
            {
                log.Add($"finally {i}");
                await Later(log, -i);
            }
#pragma warning disable CS0162 // as a newcomer wrote it: every path of the try leaves the iteration first
            log.Add("not reached");
#pragma warning restore CS0162
        }
        var checkedResult = "";
        try
        {
            checked
            {
                var big = int.MaxValue - 1;
                big += await Later(log, 1);
                big += await Later(log, 1);
                checkedResult = big.ToString();
            }
        }
        catch (OverflowException)
        {
            checkedResult = "overflow";
        }
        var wrapped = unchecked(int.MaxValue + await Later(log, 1));
        return $"{attempts} {checkedResult} {wrapped} | {string.Join("; ", log)}";
    }

    private static async Task<string> HandlersInLoopsTask(List<string> log)
    {
        var attempts = 0;
        for (var i = 0; i < 4; i++)
        {
            try
            {
                attempts++;
                if (await LaterTask(log, i) % 2 == 0) continue;
                if (i == 3) break;
                throw new TimeoutException($"try {i}");
            }
            catch (TimeoutException e) when (e.Message.EndsWith("1"))
            {
                log.Add("timeout 1");
                continue;
            }
            finally
            {
                log.Add($"finally {i}");
                await LaterTask(log, -i);
            }
#pragma warning disable CS0162 // as a newcomer wrote it: every path of the try leaves the iteration first
            log.Add("not reached");
#pragma warning restore CS0162
        }
        var checkedResult = "";
        try
        {
            checked
            {
                var big = int.MaxValue - 1;
                big += await LaterTask(log, 1);
                big += await LaterTask(log, 1);
                checkedResult = big.ToString();
            }
        }
        catch (OverflowException)
        {
            checkedResult = "overflow";
        }
        var wrapped = unchecked(int.MaxValue + await LaterTask(log, 1));
        return $"{attempts} {checkedResult} {wrapped} | {string.Join("; ", log)}";
    }

    [Fact]
    public async Task Continue_and_break_through_awaiting_finally_blocks_and_checked_arithmetic_match_async_Task()
    {
        Assert.Equal(await HandlersInLoopsTask([]), Executor.BlockOn(HandlersInLoops([])));
    }

    [PollAsync]
    private static async Future<string> FilterOutsideAwaitingFinally(List<string> log, bool match)
    {
        try
        {
            try
            {
                try
                {
                    log.Add("throwing");
                    throw new KeyNotFoundException("missing");
                }
                finally
                {
                    log.Add("innermost finally");
                }
            }
            finally
            {
                log.Add("awaiting finally");
                await Later(log, "cleanup");
            }
        }
        catch (KeyNotFoundException e) when (Filter(log, e.Message, match))
        {
            log.Add("caught");
        }
        catch (Exception e) when (Filter(log, "any " + e.Message, true))
        {
            log.Add("caught by any");
        }
        return string.Join("; ", log);
    }

    private static async Task<string> FilterOutsideAwaitingFinallyTask(List<string> log, bool match)
    {
        try
        {
            try
            {
                try
                {
                    log.Add("throwing");
                    throw new KeyNotFoundException("missing");
                }
                finally
                {
                    log.Add("innermost finally");
                }
            }
            finally
            {
                log.Add("awaiting finally");
                await LaterTask(log, "cleanup");
            }
        }
        catch (KeyNotFoundException e) when (Filter(log, e.Message, match))
        {
            log.Add("caught");
        }
        catch (Exception e) when (Filter(log, "any " + e.Message, true))
        {
            log.Add("caught by any");
        }
        return string.Join("; ", log);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_filter_outside_a_finally_that_awaits_runs_when_async_Task_runs_it(bool match)
    {
        Assert.Equal(await FilterOutsideAwaitingFinallyTask([], match), Executor.BlockOn(FilterOutsideAwaitingFinally([], match)));
    }
}
