namespace AsyncGen.Newcomer.Tests;

/// <summary>
/// Third newcomer round: return values kept across awaiting <c>finally</c> blocks, exception filters that log or
/// throw, <c>goto case</c> and <c>goto</c> retries, same-named variables in sibling scopes, <c>using</c> resources
/// never used after the await (null ones, several in one statement, failing ones), BCL <c>await using</c>, exits from
/// nested loops through awaiting <c>finally</c> blocks, short-circuits and throw expressions; each program beside the
/// same text as <c>async Task</c>.
/// </summary>
public partial class ControlAndCleanupRoundThreeTests
{
    private static bool Log(List<string> log, string line)
    {
        log.Add(line);
        return true;
    }

    private static bool Throws(List<string> log, string line)
    {
        log.Add(line);
        throw new InvalidOperationException("filter threw");
    }

    /// <summary>A resource that logs its disposal, as a newcomer writes one to see the order.</summary>
    public sealed class Resource(List<string> log, string name) : IDisposable
    {
        public string Name => name;
        public void Dispose() => log.Add("dispose " + name);
    }

    public sealed class AsyncResource(List<string> log, string name) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            log.Add("dispose async " + name);
            await Task.Yield();
            log.Add("disposed async " + name);
        }
    }

    public struct StructAsyncResource(List<string> log) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            log.Add("dispose struct");
            return ValueTask.CompletedTask;
        }
    }

    public sealed class Failing : IDisposable
    {
        public Failing(List<string> log, bool fail)
        {
            log.Add("open failing " + fail);
            if (fail) throw new InvalidOperationException("cannot open");
        }
        public void Dispose() => throw new InvalidOperationException("dispose failed");
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
        public static async Future<string> ReturnThenFinally(List<string> log)
        {
            var first = await Kept(log);
            var second = await KeptFromCatch(log);
            return $"{first} {second}";
        }

        [PollAsync]
        public static async Future<int> Kept(List<string> log)
        {
            var x = 1;
            try
            {
                x = await Later(log, 2);
                return x;
            }
            finally
            {
                x = 99;
                await Future.Yield();
                log.Add("finally " + x);
            }
        }

        [PollAsync]
        public static async Future<string> KeptFromCatch(List<string> log)
        {
            var state = "start";
            try
            {
                try
                {
                    await Later(log, state);
                    throw new InvalidOperationException("boom");
                }
                catch (InvalidOperationException e)
                {
                    state = await Later(log, e.Message);
                    return state + " returned";
                }
                finally
                {
                    state = "inner finally";
                    log.Add(state);
                }
            }
            finally
            {
                log.Add("outer finally " + await Later(log, state));
            }
        }


        [PollAsync]
        public static async Future<string> FilterBeforeFinally(List<string> log)
        {
            try
            {
                try
                {
                    await Later(log, "work");
                    throw new InvalidOperationException("boom");
                }
                finally
                {
                    log.Add("inner finally");
                }
            }
            catch (InvalidOperationException e) when (Log(log, "filter " + e.Message))
            {
                log.Add("caught");
            }
            try
            {
                try
                {
                    await Later(log, "again");
                    throw new ArgumentException("bad");
                }
                finally
                {
                    log.Add("awaiting finally");
                    await Future.Yield();
                }
            }
            catch (ArgumentException e) when (Log(log, "filter " + e.ParamName))
            {
                log.Add("caught again");
            }
            return "done";
        }


        [PollAsync]
        public static async Future<string> FilterThrows(List<string> log)
        {
            var attempts = 0;
            while (true)
            {
                try
                {
                    attempts++;
                    await Later(log, attempts);
                    throw new TimeoutException("slow " + attempts);
                }
                catch (TimeoutException) when (attempts == 1 && Throws(log, "first filter"))
                {
                    log.Add("never");
                }
                catch (TimeoutException e) when (attempts < 3 && Log(log, "retry " + e.Message))
                {
                    await Later(log, "backoff");
                    continue;
                }
                catch (Exception e) when (Log(log, "last " + e.Message))
                {
                    return $"gave up after {attempts}";
                }
            }
        }


        [PollAsync]
        public static async Future<string> GotoCase(List<string> log)
        {
            var steps = new List<string>();
            foreach (var start in new[] { 0, 1, 5 })
            {
                var state = start;
                switch (state)
                {
                    case 0:
                        steps.Add("zero");
                        state = await Later(log, 2);
                        goto case 2;
                    case 1:
                        steps.Add("one");
                        goto default;
                    case 2:
                        steps.Add("two " + await Later(log, state));
                        goto default;
                    default:
                        steps.Add("default " + state);
                        await Future.Yield();
                        break;
                }
                switch (await Later(log, "b" + start))
                {
                    case "b0":
                        steps.Add("b zero");
                        goto case "b1";
                    case "b1":
                        steps.Add("b one " + await Later(log, start));
                        break;
                    default:
                        goto case "b1";
                }
            }
            return string.Join(" ", steps);
        }


        [PollAsync]
        public static async Future<string> GotoRetry(List<string> log)
        {
            var attempt = 0;
        retry:
            try
            {
                attempt++;
                using var connection = new Resource(log, "connection " + attempt);
                var answer = await Later(log, attempt);
                if (answer < 3) throw new InvalidOperationException("try " + answer);
                return "succeeded on " + answer;
            }
            catch (InvalidOperationException e)
            {
                log.Add(e.Message);
                await Future.Yield();
                if (attempt < 5) goto retry;
                throw;
            }
            finally
            {
                log.Add("finally " + attempt);
            }
        }


        [PollAsync]
        public static async Future<string> SiblingScopes(List<string> log)
        {
            var parts = new List<string>();
            {
                var value = 1;
                await Later(log, value);
                parts.Add((value + 1).ToString());
            }
            {
                var value = "text";
                await Later(log, value);
                parts.Add(value + "!");
            }
            for (var i = 0; i < 2; i++) parts.Add("int " + await Later(log, i));
            for (var i = 10L; i < 12L; i++) parts.Add("long " + await Later(log, i * 2));
            try { await Later(log, 0); throw new InvalidOperationException("first"); }
            catch (InvalidOperationException e) { await Future.Yield(); parts.Add(e.Message); }
            try { await Later(log, 0); throw new ArgumentException("second"); }
            catch (ArgumentException e) { await Future.Yield(); parts.Add(e.Message); }
            foreach (var item in new[] { 1.5 }) parts.Add((item + await Later(log, 1.0)).ToString());
            foreach (var item in new[] { "x" }) parts.Add(item + await Later(log, "y"));
            return string.Join(" ", parts);
        }


        [PollAsync]
        public static async Future<string> UnusedUsing(List<string> log)
        {
            using var first = new Resource(log, "first");
            await Later(log, "after first");
            using (new Resource(log, "anonymous"))
            {
                await Later(log, "inside anonymous");
            }
            using Resource? nothing = null;
            using (Resource? none = null) await Later(log, "null resource");
            await using var later = new AsyncResource(log, "async");
            await using (new StructAsyncResource(log)) await Future.Yield();
            await using IAsyncDisposable? noAsync = null;
            log.Add("body end");
            return "done";
        }


        [PollAsync]
        public static async Future<string> ManyResources(List<string> log)
        {
            using (Resource a = new(log, "a"), b = new(log, await Later(log, "b")))
            {
                await Later(log, a.Name + b.Name);
            }
            try
            {
                using var ok = new Resource(log, "ok");
                using var bad = new Failing(log, await Later(log, true));
                log.Add("unreachable");
            }
            catch (InvalidOperationException e) { log.Add("caught " + e.Message); }
            try
            {
                using var failing = new Failing(log, false);
                await Later(log, "then throw");
                throw new ArgumentException("body");
            }
            catch (Exception e) { log.Add("caught " + e.GetType().Name + " " + e.Message); }
            return "done";
        }


        [PollAsync]
        public static async Future<string> BclAwaitUsing(List<string> log)
        {
            var stream = new MemoryStream();
            await using (stream)
            {
                await stream.WriteAsync(new byte[] { 1, 2, 3 });
                await Later(log, stream.Length);
            }
            var closed = !stream.CanRead;
            await using var writer = new StringWriter();
            await writer.WriteAsync(await Later(log, "text"));
            using var reader = new StreamReader(new MemoryStream("line one\nline two"u8.ToArray()));
            var line = await reader.ReadLineAsync();
            line += "|" + await reader.ReadLineAsync();
            return $"{closed} {writer} {line}";
        }


        [PollAsync]
        public static async Future<string> NestedExits(List<string> log)
        {
            var found = "";
            for (var i = 0; i < 3; i++)
            {
                try
                {
                    for (var j = 0; j < 3; j++)
                    {
                        try
                        {
                            if (await Later(log, i * 3 + j) == 4)
                            {
                                found = $"{i},{j}";
                                goto done;
                            }
                            if (j == 1) break;
                        }
                        finally
                        {
                            log.Add($"inner {i},{j}");
                            await Future.Yield();
                        }
                    }
                }
                finally
                {
                    log.Add("outer " + i);
                    await Later(log, "outer");
                }
            }
        done:
            log.Add("done " + found);
            return found;
        }


        [PollAsync]
        public static async Future<string> ShortCircuit(List<string> log)
        {
            var no = false;
            var a = no && await Later(log, true);
            var b = !no || await Later(log, false);
            var c = no & await Later(log, true);
            var d = no | await Later(log, true);
            string? name = "set";
            var e = name ?? await Later(log, "skipped");
            name = null;
            var f = name ?? await Later(log, "used");
            var g = (await Later(log, 0)) == 0 ? "zero" : await Later(log, "other");
            var h = await Later(log, 1) > 0 && await Later(log, 2) > 1 || await Later(log, false);
            return $"{a} {b} {c} {d} {e} {f} {g} {h}";
        }


        [PollAsync]
        public static async Future<string> ThrowExpressions(List<string> log)
        {
            var results = new List<string>();
            foreach (var input in new string?[] { "ok", null })
            {
                try
                {
                    var value = await Later(log, input) ?? throw new ArgumentNullException(nameof(input), "missing " + await Later(log, results.Count));
                    results.Add(value);
                    var size = value.Length > 1 ? await Later(log, value.Length) : throw new InvalidOperationException("short");
                    results.Add(size.ToString());
                    Func<int> pick = () => size > 5 ? size : throw new InvalidOperationException("small " + size);
                    results.Add(pick().ToString());
                }
                catch (Exception e)
                {
                    results.Add(e.GetType().Name + " " + await Later(log, e.Message));
                }
            }
            return string.Join(" | ", results);
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


        public static async Task<string> ReturnThenFinally(List<string> log)
        {
            var first = await Kept(log);
            var second = await KeptFromCatch(log);
            return $"{first} {second}";
        }

        public static async Task<int> Kept(List<string> log)
        {
            var x = 1;
            try
            {
                x = await Later(log, 2);
                return x;
            }
            finally
            {
                x = 99;
                await Task.Yield();
                log.Add("finally " + x);
            }
        }

        public static async Task<string> KeptFromCatch(List<string> log)
        {
            var state = "start";
            try
            {
                try
                {
                    await Later(log, state);
                    throw new InvalidOperationException("boom");
                }
                catch (InvalidOperationException e)
                {
                    state = await Later(log, e.Message);
                    return state + " returned";
                }
                finally
                {
                    state = "inner finally";
                    log.Add(state);
                }
            }
            finally
            {
                log.Add("outer finally " + await Later(log, state));
            }
        }


        public static async Task<string> FilterBeforeFinally(List<string> log)
        {
            try
            {
                try
                {
                    await Later(log, "work");
                    throw new InvalidOperationException("boom");
                }
                finally
                {
                    log.Add("inner finally");
                }
            }
            catch (InvalidOperationException e) when (Log(log, "filter " + e.Message))
            {
                log.Add("caught");
            }
            try
            {
                try
                {
                    await Later(log, "again");
                    throw new ArgumentException("bad");
                }
                finally
                {
                    log.Add("awaiting finally");
                    await Task.Yield();
                }
            }
            catch (ArgumentException e) when (Log(log, "filter " + e.ParamName))
            {
                log.Add("caught again");
            }
            return "done";
        }


        public static async Task<string> FilterThrows(List<string> log)
        {
            var attempts = 0;
            while (true)
            {
                try
                {
                    attempts++;
                    await Later(log, attempts);
                    throw new TimeoutException("slow " + attempts);
                }
                catch (TimeoutException) when (attempts == 1 && Throws(log, "first filter"))
                {
                    log.Add("never");
                }
                catch (TimeoutException e) when (attempts < 3 && Log(log, "retry " + e.Message))
                {
                    await Later(log, "backoff");
                    continue;
                }
                catch (Exception e) when (Log(log, "last " + e.Message))
                {
                    return $"gave up after {attempts}";
                }
            }
        }


        public static async Task<string> GotoCase(List<string> log)
        {
            var steps = new List<string>();
            foreach (var start in new[] { 0, 1, 5 })
            {
                var state = start;
                switch (state)
                {
                    case 0:
                        steps.Add("zero");
                        state = await Later(log, 2);
                        goto case 2;
                    case 1:
                        steps.Add("one");
                        goto default;
                    case 2:
                        steps.Add("two " + await Later(log, state));
                        goto default;
                    default:
                        steps.Add("default " + state);
                        await Task.Yield();
                        break;
                }
                switch (await Later(log, "b" + start))
                {
                    case "b0":
                        steps.Add("b zero");
                        goto case "b1";
                    case "b1":
                        steps.Add("b one " + await Later(log, start));
                        break;
                    default:
                        goto case "b1";
                }
            }
            return string.Join(" ", steps);
        }


        public static async Task<string> GotoRetry(List<string> log)
        {
            var attempt = 0;
        retry:
            try
            {
                attempt++;
                using var connection = new Resource(log, "connection " + attempt);
                var answer = await Later(log, attempt);
                if (answer < 3) throw new InvalidOperationException("try " + answer);
                return "succeeded on " + answer;
            }
            catch (InvalidOperationException e)
            {
                log.Add(e.Message);
                await Task.Yield();
                if (attempt < 5) goto retry;
                throw;
            }
            finally
            {
                log.Add("finally " + attempt);
            }
        }


        public static async Task<string> SiblingScopes(List<string> log)
        {
            var parts = new List<string>();
            {
                var value = 1;
                await Later(log, value);
                parts.Add((value + 1).ToString());
            }
            {
                var value = "text";
                await Later(log, value);
                parts.Add(value + "!");
            }
            for (var i = 0; i < 2; i++) parts.Add("int " + await Later(log, i));
            for (var i = 10L; i < 12L; i++) parts.Add("long " + await Later(log, i * 2));
            try { await Later(log, 0); throw new InvalidOperationException("first"); }
            catch (InvalidOperationException e) { await Task.Yield(); parts.Add(e.Message); }
            try { await Later(log, 0); throw new ArgumentException("second"); }
            catch (ArgumentException e) { await Task.Yield(); parts.Add(e.Message); }
            foreach (var item in new[] { 1.5 }) parts.Add((item + await Later(log, 1.0)).ToString());
            foreach (var item in new[] { "x" }) parts.Add(item + await Later(log, "y"));
            return string.Join(" ", parts);
        }


        public static async Task<string> UnusedUsing(List<string> log)
        {
            using var first = new Resource(log, "first");
            await Later(log, "after first");
            using (new Resource(log, "anonymous"))
            {
                await Later(log, "inside anonymous");
            }
            using Resource? nothing = null;
            using (Resource? none = null) await Later(log, "null resource");
            await using var later = new AsyncResource(log, "async");
            await using (new StructAsyncResource(log)) await Task.Yield();
            await using IAsyncDisposable? noAsync = null;
            log.Add("body end");
            return "done";
        }


        public static async Task<string> ManyResources(List<string> log)
        {
            using (Resource a = new(log, "a"), b = new(log, await Later(log, "b")))
            {
                await Later(log, a.Name + b.Name);
            }
            try
            {
                using var ok = new Resource(log, "ok");
                using var bad = new Failing(log, await Later(log, true));
                log.Add("unreachable");
            }
            catch (InvalidOperationException e) { log.Add("caught " + e.Message); }
            try
            {
                using var failing = new Failing(log, false);
                await Later(log, "then throw");
                throw new ArgumentException("body");
            }
            catch (Exception e) { log.Add("caught " + e.GetType().Name + " " + e.Message); }
            return "done";
        }


        public static async Task<string> BclAwaitUsing(List<string> log)
        {
            var stream = new MemoryStream();
            await using (stream)
            {
                await stream.WriteAsync(new byte[] { 1, 2, 3 });
                await Later(log, stream.Length);
            }
            var closed = !stream.CanRead;
            await using var writer = new StringWriter();
            await writer.WriteAsync(await Later(log, "text"));
            using var reader = new StreamReader(new MemoryStream("line one\nline two"u8.ToArray()));
            var line = await reader.ReadLineAsync();
            line += "|" + await reader.ReadLineAsync();
            return $"{closed} {writer} {line}";
        }


        public static async Task<string> NestedExits(List<string> log)
        {
            var found = "";
            for (var i = 0; i < 3; i++)
            {
                try
                {
                    for (var j = 0; j < 3; j++)
                    {
                        try
                        {
                            if (await Later(log, i * 3 + j) == 4)
                            {
                                found = $"{i},{j}";
                                goto done;
                            }
                            if (j == 1) break;
                        }
                        finally
                        {
                            log.Add($"inner {i},{j}");
                            await Task.Yield();
                        }
                    }
                }
                finally
                {
                    log.Add("outer " + i);
                    await Later(log, "outer");
                }
            }
        done:
            log.Add("done " + found);
            return found;
        }


        public static async Task<string> ShortCircuit(List<string> log)
        {
            var no = false;
            var a = no && await Later(log, true);
            var b = !no || await Later(log, false);
            var c = no & await Later(log, true);
            var d = no | await Later(log, true);
            string? name = "set";
            var e = name ?? await Later(log, "skipped");
            name = null;
            var f = name ?? await Later(log, "used");
            var g = (await Later(log, 0)) == 0 ? "zero" : await Later(log, "other");
            var h = await Later(log, 1) > 0 && await Later(log, 2) > 1 || await Later(log, false);
            return $"{a} {b} {c} {d} {e} {f} {g} {h}";
        }


        public static async Task<string> ThrowExpressions(List<string> log)
        {
            var results = new List<string>();
            foreach (var input in new string?[] { "ok", null })
            {
                try
                {
                    var value = await Later(log, input) ?? throw new ArgumentNullException(nameof(input), "missing " + await Later(log, results.Count));
                    results.Add(value);
                    var size = value.Length > 1 ? await Later(log, value.Length) : throw new InvalidOperationException("short");
                    results.Add(size.ToString());
                    Func<int> pick = () => size > 5 ? size : throw new InvalidOperationException("small " + size);
                    results.Add(pick().ToString());
                }
                catch (Exception e)
                {
                    results.Add(e.GetType().Name + " " + await Later(log, e.Message));
                }
            }
            return string.Join(" | ", results);
        }
    }

    [Fact]
    public Task A_return_value_is_kept_when_an_awaiting_finally_changes_the_variable_as_in_async_Task() =>
        SameAsTask.Same(log => F.ReturnThenFinally(log), log => T.ReturnThenFinally(log));

    [Fact]
    public Task An_exception_filter_runs_before_the_inner_finally_as_in_async_Task() =>
        SameAsTask.Same(log => F.FilterBeforeFinally(log), log => T.FilterBeforeFinally(log));

    [Fact]
    public Task An_exception_filter_that_throws_counts_as_false_as_in_async_Task() =>
        SameAsTask.Same(log => F.FilterThrows(log), log => T.FilterThrows(log));

    [Fact]
    public Task Goto_case_and_goto_default_between_switch_sections_that_await_match_async_Task() =>
        SameAsTask.Same(log => F.GotoCase(log), log => T.GotoCase(log));

    [Fact]
    public Task A_retry_written_with_goto_out_of_a_catch_that_awaits_matches_async_Task() =>
        SameAsTask.Same(log => F.GotoRetry(log), log => T.GotoRetry(log));

    [Fact]
    public Task Variables_of_the_same_name_in_sibling_scopes_with_different_types_match_async_Task() =>
        SameAsTask.Same(log => F.SiblingScopes(log), log => T.SiblingScopes(log));

    [Fact]
    public Task Using_declarations_whose_resource_is_unused_after_the_await_are_disposed_as_in_async_Task() =>
        SameAsTask.Same(log => F.UnusedUsing(log), log => T.UnusedUsing(log));

    [Fact]
    public Task Several_resources_in_one_using_are_disposed_in_reverse_and_a_failing_one_as_in_async_Task() =>
        SameAsTask.Same(log => F.ManyResources(log), log => T.ManyResources(log));

    [Fact]
    public Task Await_using_a_BCL_stream_and_null_async_resources_match_async_Task() =>
        SameAsTask.Same(log => F.BclAwaitUsing(log), log => T.BclAwaitUsing(log));

    [Fact]
    public Task Break_and_goto_out_of_nested_loops_through_awaiting_finally_blocks_match_async_Task() =>
        SameAsTask.Same(log => F.NestedExits(log), log => T.NestedExits(log));

    [Fact]
    public Task Short_circuit_and_coalescing_operators_skip_awaits_as_in_async_Task() =>
        SameAsTask.Same(log => F.ShortCircuit(log), log => T.ShortCircuit(log));

    [Fact]
    public Task Throw_expressions_with_awaits_on_either_side_match_async_Task() =>
        SameAsTask.Same(log => F.ThrowExpressions(log), log => T.ThrowExpressions(log));
}
