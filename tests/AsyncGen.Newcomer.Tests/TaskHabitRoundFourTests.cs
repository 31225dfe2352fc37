namespace AsyncGen.Newcomer.Tests;

/// <summary>
/// Fourth newcomer round: the .NET habits a Task developer brings — a CancellationToken passed down, checked and
/// registered on, completed and faulted Tasks and ValueTasks awaited inside a future, a future turned into a Task,
/// using and await using declarations whose resource is unused after an await, await foreach over an async iterator —
/// each program beside the same text as <c>async Task</c>.
/// </summary>
public partial class TaskHabitRoundFourTests
{
    private sealed class Resource(List<string> log, string name) : IDisposable
    {
        public string Name => name;

        public void Dispose() => log.Add("dispose " + name);
    }

    private sealed class AsyncResource(List<string> log, string name) : IAsyncDisposable
    {
        public void Use() => log.Add("use " + name);

        public async ValueTask DisposeAsync()
        {
            log.Add("dispose async " + name);
            await Task.Yield();
            log.Add("disposed " + name);
        }
    }

    private static async IAsyncEnumerable<int> Numbers(List<string> log, int count, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken token = default)
    {
        try
        {
            for (var i = 1; i <= count; i++)
            {
                token.ThrowIfCancellationRequested();
                await Task.Yield();
                log.Add("yield " + i);
                yield return i;
            }
        }
        finally
        {
            log.Add("numbers finally");
        }
    }

    /// <summary>The programs as a newcomer writes them with <c>[PollAsync]</c>.</summary>
    private static partial class F
    {
        [PollAsync]
        public static async Future<T> Later<T>(List<string> log, T value)
        {
            log.Add($"later {value}");
            await Future.Yield();
            return value;
        }

        [PollAsync]
        public static async Future<int> Step(List<string> log, int n, CancellationToken token)
        {
            if (token.IsCancellationRequested)
            {
                log.Add("step " + n + " skipped");
                return -1;
            }
            await Task.Delay(0, token);
            log.Add("step " + n);
            return n;
        }

        /// <summary>A future as a Task, as README's Task interop tells (the T world's value is a Task already).</summary>
        public static Task<TValue> ToTask<TValue>(Future<TValue> future) => future.AsTask();

        [PollAsync]
        public static async Future<string> TokenCheckedInALoop(List<string> log)
        {
            using var source = new CancellationTokenSource();
            var token = source.Token;
            var done = 0;
            try
            {
                for (var i = 0; i < 10; i++)
                {
                    token.ThrowIfCancellationRequested();
                    done += await Later(log, i);
                    if (i == 3) await source.CancelAsync();
                }
            }
            catch (OperationCanceledException e) when (e.CancellationToken == token)
            {
                log.Add("cancelled after " + done);
            }
            return "done " + done + " " + token.IsCancellationRequested;
        }

        [PollAsync]
        public static async Future<string> TokenPassedToSteps(List<string> log)
        {
            using var source = new CancellationTokenSource();
            var results = new List<int>();
            for (var n = 1; n <= 3; n++)
                results.Add(await Step(log, n, source.Token));
            await source.CancelAsync();
            results.Add(await Step(log, 4, source.Token));
            try
            {
                await Task.Delay(1000, source.Token);
            }
            catch (TaskCanceledException e)
            {
                log.Add("delay " + e.GetType().Name + " " + (e.CancellationToken == source.Token));
            }
            return string.Join(",", results);
        }

        [PollAsync]
        public static async Future<string> RegisteredCallbacks(List<string> log)
        {
            using var parent = new CancellationTokenSource();
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(parent.Token);
            using var first = linked.Token.Register(() => log.Add("first callback"));
            using (linked.Token.Register(() => log.Add("removed callback")))
            {
                await Later(log, "registered");
            }
            var seen = await Later(log, linked.IsCancellationRequested);
            await parent.CancelAsync();
            log.Add("after cancel");
            return $"{seen} {linked.IsCancellationRequested} {await Later(log, linked.Token.IsCancellationRequested)}";
        }

        [PollAsync]
        public static async Future<string> BclAwaitables(List<string> log)
        {
            var source = new TaskCompletionSource<string>();
            source.SetResult("tcs");
            var a = await Task.FromResult(1);
            var b = await new ValueTask<int>(2);
            var c = await ValueTask.FromResult(3).ConfigureAwait(false);
            await Task.CompletedTask;
            await ValueTask.CompletedTask;
            await Task.CompletedTask.ConfigureAwait(false);
            var all = await Task.WhenAll(Task.FromResult(4), Task.FromResult(5));
            var first = await await Task.WhenAny(Task.FromResult(6), new TaskCompletionSource<int>().Task);
            log.Add(await source.Task.ConfigureAwait(true));
            return $"{a}{b}{c}{all.Sum()}{first} {await Later(log, "end")}";
        }

        [PollAsync]
        public static async Future<string> FaultedTasks(List<string> log)
        {
            var text = "";
            try
            {
                await Task.FromException<int>(new InvalidOperationException("boom"));
            }
            catch (InvalidOperationException e) when (e.Message.StartsWith('b'))
            {
                text += await Later(log, "filtered " + e.Message) + ";";
            }
            try
            {
                await Task.WhenAll(Task.FromException(new FormatException("first")), Task.FromException(new ArgumentException("second")));
            }
            catch (Exception e)
            {
                text += e.GetType().Name + " " + e.Message + ";";
            }
            try
            {
                await Task.FromCanceled(new CancellationToken(true));
            }
            catch (OperationCanceledException e)
            {
                text += e.GetType().Name + ";";
            }
            await Later(log, text);
            await new ValueTask(Task.FromException(new NotSupportedException("last")));
            return text;
        }

        [PollAsync]
        public static async Future<string> AwaitUsingUnusedAfterAwait(List<string> log)
        {
            await using var first = new AsyncResource(log, "first");
            first.Use();
            await Later(log, 1);
            await using (var second = new AsyncResource(log, "second"))
            {
                second.Use();
                await Later(log, 2);
            }
            await using var third = new AsyncResource(log, "third");
            try
            {
                await using var inner = new AsyncResource(log, "inner");
                await Later(log, 3);
                throw new InvalidOperationException("inside");
            }
            catch (InvalidOperationException e)
            {
                log.Add("caught " + e.Message);
            }
            return await Later(log, "end");
        }

        [PollAsync]
        public static async Future<string> UsingDeclarationsInLoops(List<string> log)
        {
            using var outer = new Resource(log, "outer");
            var names = "";
            for (var i = 0; i < 4; i++)
            {
                using var each = new Resource(log, "each" + i);
                names += each.Name;
                await Later(log, i);
                if (i == 1) continue;
                if (i == 3) break;
                log.Add("end of " + i);
            }
            var k = 0;
            while (true)
            {
                using var round = new Resource(log, "round" + k);
                if (await Later(log, k++) > 1) break;
            }
            return names;
        }

        [PollAsync]
        public static async Future<string> AwaitForeachWithTokens(List<string> log)
        {
            var sum = 0;
            await foreach (var n in Numbers(log, 5))
            {
                sum += await Later(log, n);
                if (n == 3) break;
            }
            using var source = new CancellationTokenSource();
            try
            {
                await foreach (var n in Numbers(log, 5).WithCancellation(source.Token))
                {
                    sum += n * 10;
                    if (n == 2) await source.CancelAsync();
                }
            }
            catch (OperationCanceledException)
            {
                log.Add("cancelled at " + sum);
            }
            await foreach (var n in Numbers(log, 2).ConfigureAwait(false))
                sum += n * 100;
            return "sum " + sum;
        }

        [PollAsync]
        public static async Future<string> FutureAsTask(List<string> log)
        {
            var task = ToTask(Later(log, 5));
            var value = await task;
            var both = await Task.WhenAll(ToTask(Later(log, "a")), ToTask(Later(log, "b")));
            var already = ToTask(Later(log, 7));
            return $"{value} {string.Join("", both)} {await already} {task.IsCompletedSuccessfully}";
        }

        [PollAsync]
        public static async Future<string> LinkedTimeoutSource(List<string> log)
        {
            using var outer = new CancellationTokenSource();
            var ticks = 0;
            while (true)
            {
                using var each = CancellationTokenSource.CreateLinkedTokenSource(outer.Token);
                if (ticks == 2) await outer.CancelAsync();
                try
                {
                    await Task.Delay(0, each.Token);
                    ticks++;
                    log.Add("tick " + ticks);
                }
                catch (OperationCanceledException) when (outer.IsCancellationRequested)
                {
                    log.Add("stopped");
                    break;
                }
            }
            return "ticks " + ticks;
        }
    }

    /// <summary>The same text as <c>async Task</c> (Task for Future, no attribute).</summary>
    private static class T
    {
        public static async Task<T> Later<T>(List<string> log, T value)
        {
            log.Add($"later {value}");
            await Task.Yield();
            return value;
        }

        public static async Task<int> Step(List<string> log, int n, CancellationToken token)
        {
            if (token.IsCancellationRequested)
            {
                log.Add("step " + n + " skipped");
                return -1;
            }
            await Task.Delay(0, token);
            log.Add("step " + n);
            return n;
        }

        public static Task<TValue> ToTask<TValue>(Task<TValue> task) => task;

        public static async Task<string> TokenCheckedInALoop(List<string> log)
        {
            using var source = new CancellationTokenSource();
            var token = source.Token;
            var done = 0;
            try
            {
                for (var i = 0; i < 10; i++)
                {
                    token.ThrowIfCancellationRequested();
                    done += await Later(log, i);
                    if (i == 3) await source.CancelAsync();
                }
            }
            catch (OperationCanceledException e) when (e.CancellationToken == token)
            {
                log.Add("cancelled after " + done);
            }
            return "done " + done + " " + token.IsCancellationRequested;
        }

        public static async Task<string> TokenPassedToSteps(List<string> log)
        {
            using var source = new CancellationTokenSource();
            var results = new List<int>();
            for (var n = 1; n <= 3; n++)
                results.Add(await Step(log, n, source.Token));
            await source.CancelAsync();
            results.Add(await Step(log, 4, source.Token));
            try
            {
                await Task.Delay(1000, source.Token);
            }
            catch (TaskCanceledException e)
            {
                log.Add("delay " + e.GetType().Name + " " + (e.CancellationToken == source.Token));
            }
            return string.Join(",", results);
        }

        public static async Task<string> RegisteredCallbacks(List<string> log)
        {
            using var parent = new CancellationTokenSource();
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(parent.Token);
            using var first = linked.Token.Register(() => log.Add("first callback"));
            using (linked.Token.Register(() => log.Add("removed callback")))
            {
                await Later(log, "registered");
            }
            var seen = await Later(log, linked.IsCancellationRequested);
            await parent.CancelAsync();
            log.Add("after cancel");
            return $"{seen} {linked.IsCancellationRequested} {await Later(log, linked.Token.IsCancellationRequested)}";
        }

        public static async Task<string> BclAwaitables(List<string> log)
        {
            var source = new TaskCompletionSource<string>();
            source.SetResult("tcs");
            var a = await Task.FromResult(1);
            var b = await new ValueTask<int>(2);
            var c = await ValueTask.FromResult(3).ConfigureAwait(false);
            await Task.CompletedTask;
            await ValueTask.CompletedTask;
            await Task.CompletedTask.ConfigureAwait(false);
            var all = await Task.WhenAll(Task.FromResult(4), Task.FromResult(5));
            var first = await await Task.WhenAny(Task.FromResult(6), new TaskCompletionSource<int>().Task);
            log.Add(await source.Task.ConfigureAwait(true));
            return $"{a}{b}{c}{all.Sum()}{first} {await Later(log, "end")}";
        }

        public static async Task<string> FaultedTasks(List<string> log)
        {
            var text = "";
            try
            {
                await Task.FromException<int>(new InvalidOperationException("boom"));
            }
            catch (InvalidOperationException e) when (e.Message.StartsWith('b'))
            {
                text += await Later(log, "filtered " + e.Message) + ";";
            }
            try
            {
                await Task.WhenAll(Task.FromException(new FormatException("first")), Task.FromException(new ArgumentException("second")));
            }
            catch (Exception e)
            {
                text += e.GetType().Name + " " + e.Message + ";";
            }
            try
            {
                await Task.FromCanceled(new CancellationToken(true));
            }
            catch (OperationCanceledException e)
            {
                text += e.GetType().Name + ";";
            }
            await Later(log, text);
            await new ValueTask(Task.FromException(new NotSupportedException("last")));
            return text;
        }

        public static async Task<string> AwaitUsingUnusedAfterAwait(List<string> log)
        {
            await using var first = new AsyncResource(log, "first");
            first.Use();
            await Later(log, 1);
            await using (var second = new AsyncResource(log, "second"))
            {
                second.Use();
                await Later(log, 2);
            }
            await using var third = new AsyncResource(log, "third");
            try
            {
                await using var inner = new AsyncResource(log, "inner");
                await Later(log, 3);
                throw new InvalidOperationException("inside");
            }
            catch (InvalidOperationException e)
            {
                log.Add("caught " + e.Message);
            }
            return await Later(log, "end");
        }

        public static async Task<string> UsingDeclarationsInLoops(List<string> log)
        {
            using var outer = new Resource(log, "outer");
            var names = "";
            for (var i = 0; i < 4; i++)
            {
                using var each = new Resource(log, "each" + i);
                names += each.Name;
                await Later(log, i);
                if (i == 1) continue;
                if (i == 3) break;
                log.Add("end of " + i);
            }
            var k = 0;
            while (true)
            {
                using var round = new Resource(log, "round" + k);
                if (await Later(log, k++) > 1) break;
            }
            return names;
        }

        public static async Task<string> AwaitForeachWithTokens(List<string> log)
        {
            var sum = 0;
            await foreach (var n in Numbers(log, 5))
            {
                sum += await Later(log, n);
                if (n == 3) break;
            }
            using var source = new CancellationTokenSource();
            try
            {
                await foreach (var n in Numbers(log, 5).WithCancellation(source.Token))
                {
                    sum += n * 10;
                    if (n == 2) await source.CancelAsync();
                }
            }
            catch (OperationCanceledException)
            {
                log.Add("cancelled at " + sum);
            }
            await foreach (var n in Numbers(log, 2).ConfigureAwait(false))
                sum += n * 100;
            return "sum " + sum;
        }

        public static async Task<string> FutureAsTask(List<string> log)
        {
            var task = ToTask(Later(log, 5));
            var value = await task;
            var both = await Task.WhenAll(ToTask(Later(log, "a")), ToTask(Later(log, "b")));
            var already = ToTask(Later(log, 7));
            return $"{value} {string.Join("", both)} {await already} {task.IsCompletedSuccessfully}";
        }

        public static async Task<string> LinkedTimeoutSource(List<string> log)
        {
            using var outer = new CancellationTokenSource();
            var ticks = 0;
            while (true)
            {
                using var each = CancellationTokenSource.CreateLinkedTokenSource(outer.Token);
                if (ticks == 2) await outer.CancelAsync();
                try
                {
                    await Task.Delay(0, each.Token);
                    ticks++;
                    log.Add("tick " + ticks);
                }
                catch (OperationCanceledException) when (outer.IsCancellationRequested)
                {
                    log.Add("stopped");
                    break;
                }
            }
            return "ticks " + ticks;
        }
    }

    [Fact]
    public Task ThrowIfCancellationRequested_in_a_loop_cancelled_from_the_body_matches_async_Task() =>
        SameAsTask.Same(log => F.TokenCheckedInALoop(log), log => T.TokenCheckedInALoop(log));

    [Fact]
    public Task A_token_passed_down_to_steps_and_to_Task_Delay_matches_async_Task() =>
        SameAsTask.Same(log => F.TokenPassedToSteps(log), log => T.TokenPassedToSteps(log));

    [Fact]
    public Task Token_callbacks_registered_with_using_declarations_across_awaits_match_async_Task() =>
        SameAsTask.Same(log => F.RegisteredCallbacks(log), log => T.RegisteredCallbacks(log));

    [Fact]
    public Task Completed_Tasks_ValueTasks_and_ConfigureAwait_inside_a_future_match_async_Task() =>
        SameAsTask.Same(log => F.BclAwaitables(log), log => T.BclAwaitables(log));

    [Fact]
    public Task Faulted_and_cancelled_Tasks_awaited_inside_a_future_throw_as_in_async_Task() =>
        SameAsTask.Same(log => F.FaultedTasks(log), log => T.FaultedTasks(log));

    [Fact]
    public Task Await_using_declarations_whose_resource_is_unused_after_an_await_match_async_Task() =>
        SameAsTask.Same(log => F.AwaitUsingUnusedAfterAwait(log), log => T.AwaitUsingUnusedAfterAwait(log));

    [Fact]
    public Task Using_declarations_in_loops_with_continue_and_break_after_awaits_match_async_Task() =>
        SameAsTask.Same(log => F.UsingDeclarationsInLoops(log), log => T.UsingDeclarationsInLoops(log));

    [Fact]
    public Task Await_foreach_over_an_async_iterator_with_break_and_WithCancellation_matches_async_Task() =>
        SameAsTask.Same(log => F.AwaitForeachWithTokens(log), log => T.AwaitForeachWithTokens(log));

    [Fact]
    public Task A_future_converted_to_a_Task_and_awaited_in_the_body_matches_async_Task() =>
        SameAsTask.Same(log => F.FutureAsTask(log), log => T.FutureAsTask(log));

    [Fact]
    public Task A_cancelled_linked_source_stops_a_loop_of_Task_Delays_as_in_async_Task() =>
        SameAsTask.Same(log => F.LinkedTimeoutSource(log), log => T.LinkedTimeoutSource(log));
}
