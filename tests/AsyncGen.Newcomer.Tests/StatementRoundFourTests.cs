namespace AsyncGen.Newcomer.Tests;

/// <summary>
/// Fourth newcomer round: statements around awaits as a .NET developer writes them — struct using variables, assignment
/// targets evaluated before the awaited value, params spans and out variables, ref locals and stackalloc between awaits,
/// events, locks and queues, iterators and deferred LINQ across awaits, returns and exceptions through awaiting finally
/// blocks, flags and type switches, and a long method with more than twenty awaits — each program beside the same text
/// as <c>async Task</c>.
/// </summary>
public partial class StatementRoundFourTests
{
    /// <summary>A struct resource: C# calls a method of a 'using' variable on a copy (the variable is read-only).</summary>
    private struct StructScope(List<string> log, string name) : IDisposable
    {
        private int _touches;

        public void Touch() => _touches++;

        public readonly int Touches => _touches;

        public void Dispose() => log.Add($"dispose {name} after {_touches} touches");
    }

    private sealed class Box
    {
        public int Value;

        public int[] Items = new int[3];

        public event Action<string>? Changed;

        public void Raise(string what) => Changed?.Invoke(what);
    }

    private static Box Pick(List<string> log, Box box, string name)
    {
        log.Add("pick " + name);
        return box;
    }

    private static int Index(List<string> log, int index)
    {
        log.Add("index " + index);
        return index;
    }

    private static int Sum(params ReadOnlySpan<int> values)
    {
        var sum = 0;
        foreach (var value in values) sum += value;
        return sum;
    }

    private static IEnumerable<int> Countdown(List<string> log, int from)
    {
        try
        {
            for (var i = from; i > 0; i--)
            {
                log.Add("produce " + i);
                yield return i;
            }
        }
        finally
        {
            log.Add("countdown finally");
        }
    }

    private static bool Note(List<string> log, string text, bool result = true)
    {
        log.Add(text);
        return result;
    }

    [Flags]
    private enum Access { None = 0, Read = 1, Write = 2, Run = 4 }

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
        public static async Future<string> StructUsingDefensiveCopy(List<string> log)
        {
            using var scope = new StructScope(log, "declared");
            scope.Touch();
            await Later(log, 1);
            scope.Touch();
            using (var block = new StructScope(log, "block"))
            {
                block.Touch();
                await Later(log, 2);
                block.Touch();
                log.Add("block touches " + block.Touches);
            }
            var local = new StructScope(log, "local");
            local.Touch();
            await Later(log, 3);
            local.Touch();
            return "touches " + scope.Touches + " " + local.Touches;
        }

        [PollAsync]
        public static async Future<string> AssignmentTargetsBeforeAwaits(List<string> log)
        {
            var box = new Box();
            Pick(log, box, "field").Value = await Later(log, 5);
            Pick(log, box, "compound").Value += await Later(log, 3);
            Pick(log, box, "array").Items[Index(log, 1)] = await Later(log, 7);
            Pick(log, box, "element").Items[Index(log, 2)] -= await Later(log, 2);
            box.Items[Index(log, 0)] = box.Items[Index(log, 1)] + await Later(log, 100);
            return $"{box.Value} {string.Join(",", box.Items)}";
        }

        [PollAsync]
        public static async Future<string> ParamsSpanArguments(List<string> log)
        {
            var total = Sum(await Later(log, 1), 2, await Later(log, 3));
            total += Sum();
            total += Sum([await Later(log, 10), .. new[] { 20, 30 }]);
            var table = new Dictionary<string, int> { ["k"] = 42 };
            if (table.TryGetValue(await Later(log, "k"), out var found))
                total += found;
            if (!int.TryParse(await Later(log, "x1"), out var parsed))
                total += await Later(log, parsed - 1);
            return "total " + total + " " + found;
        }

        [PollAsync]
        public static async Future<string> RefLocalsBetweenAwaits(List<string> log)
        {
            var numbers = new[] { 1, 2, 3 };
            var index = await Later(log, 1);
            ref var slot = ref numbers[index];
            slot *= 10;
            await Later(log, "between");
            ref readonly var first = ref numbers[0];
            var copy = first + numbers[index];
            {
                Span<int> buffer = stackalloc int[3];
                for (var i = 0; i < buffer.Length; i++) buffer[i] = numbers[i] * 2;
                copy += buffer[2];
            }
            var rest = await Later(log, copy);
            ReadOnlySpan<char> text = "hello".AsSpan(1, 3);
            var letters = text.ToString();
            return $"{string.Join(",", numbers)} {rest} {letters} {await Later(log, letters.Length)}";
        }

        [PollAsync]
        public static async Future<string> EventsRaisedAfterAwaits(List<string> log)
        {
            var box = new Box();
            var seen = new List<string>();
            Action<string> first = s => seen.Add("1:" + s);
            box.Changed += first;
            box.Changed += s => seen.Add("2:" + s);
            box.Raise(await Later(log, "a"));
            box.Changed -= first;
            await Later(log, "unsubscribed");
            box.Raise(await Later(log, "b"));
            Action<string>? handler = null;
            handler += seen.Add;
            handler?.Invoke(await Later(log, "direct"));
            return string.Join(" ", seen);
        }

        [PollAsync]
        public static async Future<string> LockAndQueueDrain(List<string> log)
        {
            var gate = new object();
            var queue = new Queue<string>(new[] { "a", "b" });
            var handled = 0;
            while (queue.TryDequeue(out var item))
            {
                var result = await Later(log, item);
                lock (gate)
                {
                    handled++;
                    if (result == "b") queue.Enqueue("c");
                }
            }
            var stack = new Stack<int>(new[] { 1, 2, 3 });
            var popped = "";
            while (stack.Count > 0)
            {
                var top = stack.Pop();
                lock (gate) popped += top;
                if (top == 2) stack.Push(await Later(log, 9));
            }
            return handled + " " + popped;
        }

        [PollAsync]
        public static async Future<string> IteratorsAcrossAwaits(List<string> log)
        {
            var text = "";
            using (var e = Countdown(log, 3).GetEnumerator())
            {
                while (e.MoveNext())
                    text += await Later(log, e.Current);
            }
            foreach (var n in Countdown(log, 5))
            {
                if (n == 3) break;
                text += "," + await Later(log, n * 10);
            }
            var doubled = Countdown(log, 2).Select(n => n * 2);
            await Later(log, "deferred");
            return text + " " + string.Join("+", doubled);
        }

        [PollAsync]
        public static async Future<string> LinqDeferredAcrossAwaits(List<string> log)
        {
            var items = new List<int> { 5, 1, 4, 2, 3 };
            var threshold = 2;
            var above = items.Where(x => x > threshold);
            threshold = await Later(log, 3);
            var count = above.Count();
            items.Add(await Later(log, 10));
            var ordered = items.OrderByDescending(x => x).Take(2).ToList();
            var groups = (await Later(log, items)).GroupBy(x => x % 2 == 0 ? "even" : "odd")
                .ToDictionary(g => g.Key, g => g.Sum());
            var names = from i in items where i > threshold orderby i select "n" + i;
            threshold = await Later(log, 4);
            return $"{count} {above.Count()} {string.Join(",", ordered)} {groups["even"]}/{groups["odd"]} {string.Join(",", names)}";
        }

        [PollAsync]
        public static async Future<string> Inner(List<string> log, int mode)
        {
            try
            {
                try
                {
                    if (mode == 0) return "early " + await Later(log, "value");
                    if (mode == 1) throw new InvalidOperationException("thrown");
                    await Later(log, "body");
                }
                catch (InvalidOperationException e) when (Note(log, "filter " + e.Message))
                {
                    return "from catch " + await Later(log, e.Message);
                }
                finally
                {
                    log.Add("inner finally " + await Later(log, mode));
                }
                return "fell through";
            }
            finally
            {
                await Later(log, "outer finally");
            }
        }

        [PollAsync]
        public static async Future<string> NestedFinallyReturns(List<string> log)
        {
            var text = "";
            for (var mode = 0; mode < 3; mode++) text += await Inner(log, mode) + ";";
            return text;
        }

        [PollAsync]
        public static async Future<string> Replaced(List<string> log)
        {
            try
            {
                await Later(log, "try");
                throw new InvalidOperationException("original");
            }
            finally
            {
                await Later(log, "finally");
                throw new FormatException("replacement");
            }
        }

        [PollAsync]
        public static async Future<string> FinallyExceptions(List<string> log)
        {
            var text = "";
            try
            {
                await Replaced(log);
            }
            catch (Exception e)
            {
                text += e.GetType().Name + " " + e.Message + ";";
            }
            try
            {
                try
                {
                    await Later(log, "inner");
                    throw new ArgumentException("kept");
                }
                catch (ArgumentException e) when (e.Message.Length > 0)
                {
                    await Later(log, "handling " + e.Message);
                    throw;
                }
            }
            catch (ArgumentException e)
            {
                text += "rethrown " + e.Message;
            }
            return text;
        }

        [PollAsync]
        public static async Future<string> FlagsAndTypeSwitch(List<string> log)
        {
            var access = Access.None;
            access |= await Later(log, Access.Read);
            access |= await Later(log, Access.Write | Access.Run);
            access &= ~await Later(log, Access.Write);
            var text = access + " " + access.HasFlag(await Later(log, Access.Run)) + ";";
            foreach (var value in new object?[] { 3, "four", null, 2.5 })
            {
                switch (await Later(log, value))
                {
                    case int i when i > 1:
                        text += "int " + await Later(log, i * 2) + ";";
                        break;
                    case string s:
                        await Later(log, s.Length);
                        text += "string " + s + ";";
                        break;
                    case null:
                        text += "null;";
                        break;
                    default:
                        text += "other " + await Later(log, value!.GetType().Name) + ";";
                        break;
                }
            }
            return text;
        }

        [PollAsync]
        public static async Future<string> DictionaryForeachDeconstruct(List<string> log)
        {
            var prices = new SortedDictionary<string, int> { ["b"] = 2, ["a"] = 1, ["c"] = 3 };
            var text = "";
            foreach (var (key, price) in prices)
                text += key + await Later(log, price * 10) + " ";
            foreach (KeyValuePair<string, int> entry in prices.Reverse())
            {
                if (entry.Value == 2) continue;
                text += await Later(log, entry.Key);
            }
            var point = (X: 1, Y: 2);
            var copy = point;
            copy.X = await Later(log, 5);
            point.Y += await Later(log, 5);
            return text + $" {point} {copy}";
        }

        [PollAsync]
        public static async Future<string> LongMethodManyAwaits(List<string> log)
        {
            var a = await Later(log, 1);
            var b = await Later(log, 2);
            var c = a + b + await Later(log, 3);
            if (c > 5)
            {
                c += await Later(log, 4);
                if (await Later(log, true)) c *= await Later(log, 2);
            }
            else
            {
                c -= await Later(log, 100);
            }
            var parts = new List<string> { await Later(log, "p1") };
            for (var i = 0; i < 3; i++)
            {
                parts.Add(await Later(log, "loop" + i));
                if (i == 1) parts.Add(await Later(log, "mid"));
            }
            var d = await Later(log, 5) * await Later(log, 6) - await Later(log, 7);
            var e = await Later(log, "e") + await Later(log, "f");
            try
            {
                d += await Later(log, 8);
                if (d > 30) throw new InvalidOperationException("too big " + d);
            }
            catch (InvalidOperationException ex)
            {
                e += await Later(log, ex.Message);
            }
            finally
            {
                parts.Add(await Later(log, "finally"));
            }
            var f = await Later(log, 9) switch { 9 => await Later(log, "nine"), _ => "no" };
            var g = await Later(log, (10, 11));
            var h = $"{await Later(log, 12)}{await Later(log, 13)}";
            return $"{a} {b} {c} {d} {e} {f} {g.Item1 + g.Item2} {h} {string.Join(",", parts)}";
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

        public static async Task<string> StructUsingDefensiveCopy(List<string> log)
        {
            using var scope = new StructScope(log, "declared");
            scope.Touch();
            await Later(log, 1);
            scope.Touch();
            using (var block = new StructScope(log, "block"))
            {
                block.Touch();
                await Later(log, 2);
                block.Touch();
                log.Add("block touches " + block.Touches);
            }
            var local = new StructScope(log, "local");
            local.Touch();
            await Later(log, 3);
            local.Touch();
            return "touches " + scope.Touches + " " + local.Touches;
        }

        public static async Task<string> AssignmentTargetsBeforeAwaits(List<string> log)
        {
            var box = new Box();
            Pick(log, box, "field").Value = await Later(log, 5);
            Pick(log, box, "compound").Value += await Later(log, 3);
            Pick(log, box, "array").Items[Index(log, 1)] = await Later(log, 7);
            Pick(log, box, "element").Items[Index(log, 2)] -= await Later(log, 2);
            box.Items[Index(log, 0)] = box.Items[Index(log, 1)] + await Later(log, 100);
            return $"{box.Value} {string.Join(",", box.Items)}";
        }

        public static async Task<string> ParamsSpanArguments(List<string> log)
        {
            var total = Sum(await Later(log, 1), 2, await Later(log, 3));
            total += Sum();
            total += Sum([await Later(log, 10), .. new[] { 20, 30 }]);
            var table = new Dictionary<string, int> { ["k"] = 42 };
            if (table.TryGetValue(await Later(log, "k"), out var found))
                total += found;
            if (!int.TryParse(await Later(log, "x1"), out var parsed))
                total += await Later(log, parsed - 1);
            return "total " + total + " " + found;
        }

        public static async Task<string> RefLocalsBetweenAwaits(List<string> log)
        {
            var numbers = new[] { 1, 2, 3 };
            var index = await Later(log, 1);
            ref var slot = ref numbers[index];
            slot *= 10;
            await Later(log, "between");
            ref readonly var first = ref numbers[0];
            var copy = first + numbers[index];
            {
                Span<int> buffer = stackalloc int[3];
                for (var i = 0; i < buffer.Length; i++) buffer[i] = numbers[i] * 2;
                copy += buffer[2];
            }
            var rest = await Later(log, copy);
            ReadOnlySpan<char> text = "hello".AsSpan(1, 3);
            var letters = text.ToString();
            return $"{string.Join(",", numbers)} {rest} {letters} {await Later(log, letters.Length)}";
        }

        public static async Task<string> EventsRaisedAfterAwaits(List<string> log)
        {
            var box = new Box();
            var seen = new List<string>();
            Action<string> first = s => seen.Add("1:" + s);
            box.Changed += first;
            box.Changed += s => seen.Add("2:" + s);
            box.Raise(await Later(log, "a"));
            box.Changed -= first;
            await Later(log, "unsubscribed");
            box.Raise(await Later(log, "b"));
            Action<string>? handler = null;
            handler += seen.Add;
            handler?.Invoke(await Later(log, "direct"));
            return string.Join(" ", seen);
        }

        public static async Task<string> LockAndQueueDrain(List<string> log)
        {
            var gate = new object();
            var queue = new Queue<string>(new[] { "a", "b" });
            var handled = 0;
            while (queue.TryDequeue(out var item))
            {
                var result = await Later(log, item);
                lock (gate)
                {
                    handled++;
                    if (result == "b") queue.Enqueue("c");
                }
            }
            var stack = new Stack<int>(new[] { 1, 2, 3 });
            var popped = "";
            while (stack.Count > 0)
            {
                var top = stack.Pop();
                lock (gate) popped += top;
                if (top == 2) stack.Push(await Later(log, 9));
            }
            return handled + " " + popped;
        }

        public static async Task<string> IteratorsAcrossAwaits(List<string> log)
        {
            var text = "";
            using (var e = Countdown(log, 3).GetEnumerator())
            {
                while (e.MoveNext())
                    text += await Later(log, e.Current);
            }
            foreach (var n in Countdown(log, 5))
            {
                if (n == 3) break;
                text += "," + await Later(log, n * 10);
            }
            var doubled = Countdown(log, 2).Select(n => n * 2);
            await Later(log, "deferred");
            return text + " " + string.Join("+", doubled);
        }

        public static async Task<string> LinqDeferredAcrossAwaits(List<string> log)
        {
            var items = new List<int> { 5, 1, 4, 2, 3 };
            var threshold = 2;
            var above = items.Where(x => x > threshold);
            threshold = await Later(log, 3);
            var count = above.Count();
            items.Add(await Later(log, 10));
            var ordered = items.OrderByDescending(x => x).Take(2).ToList();
            var groups = (await Later(log, items)).GroupBy(x => x % 2 == 0 ? "even" : "odd")
                .ToDictionary(g => g.Key, g => g.Sum());
            var names = from i in items where i > threshold orderby i select "n" + i;
            threshold = await Later(log, 4);
            return $"{count} {above.Count()} {string.Join(",", ordered)} {groups["even"]}/{groups["odd"]} {string.Join(",", names)}";
        }

        public static async Task<string> Inner(List<string> log, int mode)
        {
            try
            {
                try
                {
                    if (mode == 0) return "early " + await Later(log, "value");
                    if (mode == 1) throw new InvalidOperationException("thrown");
                    await Later(log, "body");
                }
                catch (InvalidOperationException e) when (Note(log, "filter " + e.Message))
                {
                    return "from catch " + await Later(log, e.Message);
                }
                finally
                {
                    log.Add("inner finally " + await Later(log, mode));
                }
                return "fell through";
            }
            finally
            {
                await Later(log, "outer finally");
            }
        }

        public static async Task<string> NestedFinallyReturns(List<string> log)
        {
            var text = "";
            for (var mode = 0; mode < 3; mode++) text += await Inner(log, mode) + ";";
            return text;
        }

        public static async Task<string> Replaced(List<string> log)
        {
            try
            {
                await Later(log, "try");
                throw new InvalidOperationException("original");
            }
            finally
            {
                await Later(log, "finally");
                throw new FormatException("replacement");
            }
        }

        public static async Task<string> FinallyExceptions(List<string> log)
        {
            var text = "";
            try
            {
                await Replaced(log);
            }
            catch (Exception e)
            {
                text += e.GetType().Name + " " + e.Message + ";";
            }
            try
            {
                try
                {
                    await Later(log, "inner");
                    throw new ArgumentException("kept");
                }
                catch (ArgumentException e) when (e.Message.Length > 0)
                {
                    await Later(log, "handling " + e.Message);
                    throw;
                }
            }
            catch (ArgumentException e)
            {
                text += "rethrown " + e.Message;
            }
            return text;
        }

        public static async Task<string> FlagsAndTypeSwitch(List<string> log)
        {
            var access = Access.None;
            access |= await Later(log, Access.Read);
            access |= await Later(log, Access.Write | Access.Run);
            access &= ~await Later(log, Access.Write);
            var text = access + " " + access.HasFlag(await Later(log, Access.Run)) + ";";
            foreach (var value in new object?[] { 3, "four", null, 2.5 })
            {
                switch (await Later(log, value))
                {
                    case int i when i > 1:
                        text += "int " + await Later(log, i * 2) + ";";
                        break;
                    case string s:
                        await Later(log, s.Length);
                        text += "string " + s + ";";
                        break;
                    case null:
                        text += "null;";
                        break;
                    default:
                        text += "other " + await Later(log, value!.GetType().Name) + ";";
                        break;
                }
            }
            return text;
        }

        public static async Task<string> DictionaryForeachDeconstruct(List<string> log)
        {
            var prices = new SortedDictionary<string, int> { ["b"] = 2, ["a"] = 1, ["c"] = 3 };
            var text = "";
            foreach (var (key, price) in prices)
                text += key + await Later(log, price * 10) + " ";
            foreach (KeyValuePair<string, int> entry in prices.Reverse())
            {
                if (entry.Value == 2) continue;
                text += await Later(log, entry.Key);
            }
            var point = (X: 1, Y: 2);
            var copy = point;
            copy.X = await Later(log, 5);
            point.Y += await Later(log, 5);
            return text + $" {point} {copy}";
        }

        public static async Task<string> LongMethodManyAwaits(List<string> log)
        {
            var a = await Later(log, 1);
            var b = await Later(log, 2);
            var c = a + b + await Later(log, 3);
            if (c > 5)
            {
                c += await Later(log, 4);
                if (await Later(log, true)) c *= await Later(log, 2);
            }
            else
            {
                c -= await Later(log, 100);
            }
            var parts = new List<string> { await Later(log, "p1") };
            for (var i = 0; i < 3; i++)
            {
                parts.Add(await Later(log, "loop" + i));
                if (i == 1) parts.Add(await Later(log, "mid"));
            }
            var d = await Later(log, 5) * await Later(log, 6) - await Later(log, 7);
            var e = await Later(log, "e") + await Later(log, "f");
            try
            {
                d += await Later(log, 8);
                if (d > 30) throw new InvalidOperationException("too big " + d);
            }
            catch (InvalidOperationException ex)
            {
                e += await Later(log, ex.Message);
            }
            finally
            {
                parts.Add(await Later(log, "finally"));
            }
            var f = await Later(log, 9) switch { 9 => await Later(log, "nine"), _ => "no" };
            var g = await Later(log, (10, 11));
            var h = $"{await Later(log, 12)}{await Later(log, 13)}";
            return $"{a} {b} {c} {d} {e} {f} {g.Item1 + g.Item2} {h} {string.Join(",", parts)}";
        }
    }

    [Fact]
    public Task A_struct_using_variable_touched_around_awaits_is_changed_on_copies_as_in_async_Task() =>
        SameAsTask.Same(log => F.StructUsingDefensiveCopy(log), log => T.StructUsingDefensiveCopy(log));

    [Fact]
    public Task Assignment_targets_are_evaluated_before_the_awaited_value_as_in_async_Task() =>
        SameAsTask.Same(log => F.AssignmentTargetsBeforeAwaits(log), log => T.AssignmentTargetsBeforeAwaits(log));

    [Fact]
    public Task Params_span_arguments_and_out_variables_with_awaited_values_match_async_Task() =>
        SameAsTask.Same(log => F.ParamsSpanArguments(log), log => T.ParamsSpanArguments(log));

    [Fact]
    public Task Ref_locals_and_stackalloc_spans_that_do_not_cross_awaits_match_async_Task() =>
        SameAsTask.Same(log => F.RefLocalsBetweenAwaits(log), log => T.RefLocalsBetweenAwaits(log));

    [Fact]
    public Task Events_subscribed_and_raised_with_awaited_arguments_match_async_Task() =>
        SameAsTask.Same(log => F.EventsRaisedAfterAwaits(log), log => T.EventsRaisedAfterAwaits(log));

    [Fact]
    public Task A_queue_drained_with_awaits_and_a_lock_without_awaits_match_async_Task() =>
        SameAsTask.Same(log => F.LockAndQueueDrain(log), log => T.LockAndQueueDrain(log));

    [Fact]
    public Task Iterator_enumerators_kept_across_awaits_and_left_by_break_match_async_Task() =>
        SameAsTask.Same(log => F.IteratorsAcrossAwaits(log), log => T.IteratorsAcrossAwaits(log));

    [Fact]
    public Task Deferred_LINQ_queries_reading_locals_changed_after_awaits_match_async_Task() =>
        SameAsTask.Same(log => F.LinqDeferredAcrossAwaits(log), log => T.LinqDeferredAcrossAwaits(log));

    [Fact]
    public Task Returns_from_nested_try_blocks_run_awaiting_finally_blocks_in_order_as_in_async_Task() =>
        SameAsTask.Same(log => F.NestedFinallyReturns(log), log => T.NestedFinallyReturns(log));

    [Fact]
    public Task Exceptions_thrown_by_awaiting_finally_blocks_and_rethrown_after_awaits_match_async_Task() =>
        SameAsTask.Same(log => F.FinallyExceptions(log), log => T.FinallyExceptions(log));

    [Fact]
    public Task Flags_enums_changed_by_awaited_values_and_type_switches_with_awaits_in_sections_match_async_Task() =>
        SameAsTask.Same(log => F.FlagsAndTypeSwitch(log), log => T.FlagsAndTypeSwitch(log));

    [Fact]
    public Task Foreach_deconstructing_dictionary_entries_and_changing_a_struct_copy_across_awaits_matches_async_Task() =>
        SameAsTask.Same(log => F.DictionaryForeachDeconstruct(log), log => T.DictionaryForeachDeconstruct(log));

    [Fact]
    public Task A_long_method_with_more_than_twenty_awaits_in_branches_and_loops_matches_async_Task() =>
        SameAsTask.Same(log => F.LongMethodManyAwaits(log), log => T.LongMethodManyAwaits(log));
}
