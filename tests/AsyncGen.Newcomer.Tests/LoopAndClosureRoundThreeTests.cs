namespace AsyncGen.Newcomer.Tests;

/// <summary>
/// Third newcomer round: <c>foreach</c> over strings, reassigned arrays, class and struct enumerators (disposed once,
/// or never for a pattern Dispose), deconstruction, an extension GetEnumerator and explicit casts; <c>await foreach</c>
/// over BCL async enumerables; awaits in loop conditions; futures kept in lists and awaited later; nested local
/// functions, lambdas over catch and using variables, <c>async Task</c> local functions; each program beside the same
/// text as <c>async Task</c>.
/// </summary>
public partial class LoopAndClosureRoundThreeTests
{
    /// <summary>A collection whose class enumerator logs each MoveNext and its Dispose: it must be disposed once.</summary>
    public sealed class Logged(List<string> log, params int[] items) : IEnumerable<int>
    {
        public IEnumerator<int> GetEnumerator() => new Enumerator(log, items);
        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        private sealed class Enumerator(List<string> log, int[] items) : IEnumerator<int>
        {
            private int _index = -1;
            public int Current => items[_index];
            object System.Collections.IEnumerator.Current => Current;
            public bool MoveNext() => ++_index < items.Length;
            public void Reset() => _index = -1;
            public void Dispose() => log.Add("enumerator disposed");
        }
    }

    /// <summary>
    /// A pattern-based struct enumerator with a public Dispose that does not implement IDisposable: C# never calls it
    /// for a struct that is not a ref struct.
    /// </summary>
    public readonly struct Window(List<string> log, int count)
    {
        public Enumerator GetEnumerator() => new(log, count);

        public struct Enumerator(List<string> log, int count)
        {
            private int _at;
            public int Current => _at;
            public bool MoveNext() => ++_at <= count;
            public void Dispose() => log.Add("pattern dispose");
        }
    }

    /// <summary>A struct enumerator implementing IDisposable: disposed once, in place.</summary>
    public struct DisposableWindow(List<string> log, int count) : IEnumerator<int>
    {
        private int _at;
        public int Current => _at;
        object System.Collections.IEnumerator.Current => _at;
        public bool MoveNext() => ++_at <= count;
        public void Reset() => _at = 0;
        public void Dispose() => log.Add("struct disposed at " + _at);
        public DisposableWindow GetEnumerator() => this;
    }

    public sealed class AsyncNumbers(List<string> log, int count) : IAsyncEnumerable<(int Index, string Text)>
    {
        public async IAsyncEnumerator<(int Index, string Text)> GetAsyncEnumerator(CancellationToken token = default)
        {
            try
            {
                for (var i = 0; i < count; i++)
                {
                    await Task.Yield();
                    log.Add("produce " + i);
                    yield return (i, "n" + i);
                }
            }
            finally
            {
                log.Add("producer finally");
            }
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
        public static async Future<string> StringsAndArrays(List<string> log)
        {
            var letters = "";
            foreach (var c in "abc") letters += char.ToUpperInvariant(await Later(log, c));
            var numbers = new[] { 1, 2, 3 };
            var sum = 0;
            foreach (var n in numbers)
            {
                numbers = new[] { 100 };
                numbers[0] += n;
                sum += await Later(log, n);
            }
            var text = "xy";
            foreach (var c in text)
            {
                text += await Later(log, c);
            }
            return $"{letters} {sum} {numbers[0]} {text}";
        }


        [PollAsync]
        public static async Future<string> ClassEnumerator(List<string> log)
        {
            var seen = new List<int>();
            foreach (var n in new Logged(log, 1, 2, 3))
            {
                seen.Add(await Later(log, n));
                if (n == 2) break;
            }
            try
            {
                foreach (var n in new Logged(log, 4, 5))
                {
                    await Later(log, n);
                    if (n == 5) throw new InvalidOperationException("at " + n);
                }
            }
            catch (InvalidOperationException e) { seen.Add(-e.Message.Length); }
            seen.Add(await FirstBig(log));
            return string.Join(",", seen);
        }

        [PollAsync]
        public static async Future<int> FirstBig(List<string> log)
        {
            foreach (var n in new Logged(log, 7, 8, 9))
            {
                if (await Later(log, n) > 7) return n;
            }
            return -1;
        }


        [PollAsync]
        public static async Future<string> StructEnumeratorDispose(List<string> log)
        {
            var sum = 0;
            foreach (var n in new Window(log, 3)) sum += await Later(log, n);
            foreach (var n in new DisposableWindow(log, 4))
            {
                sum += await Later(log, n * 10);
                if (n == 2) break;
            }
            foreach (var n in new DisposableWindow(log, 2)) sum += await Later(log, n * 100);
            return sum.ToString();
        }


        [PollAsync]
        public static async Future<string> ForeachShapes(List<string> log)
        {
            var parts = new List<string>();
            var ages = new SortedDictionary<string, int> { ["ann"] = 30, ["bo"] = 4 };
            foreach (var (name, age) in ages) parts.Add(name + (age + await Later(log, 1)));
            foreach (var i in 3) parts.Add("r" + await Later(log, i));
            System.Collections.ArrayList mixed = new() { "a", "b", 3 };
            try
            {
                foreach (string s in mixed) parts.Add(await Later(log, s));
            }
            catch (InvalidCastException) { parts.Add("bad cast"); }
            foreach ((int x, string y) in new[] { (1, "one") }) parts.Add(y + await Later(log, x));
            foreach (var _ in new int[2]) await Future.Yield();
            return string.Join(" ", parts);
        }


        [PollAsync]
        public static async Future<string> AwaitForeach(List<string> log)
        {
            var parts = new List<string>();
            await foreach (var (index, text) in new AsyncNumbers(log, 3)) parts.Add(text + await Later(log, index));
            await foreach (var item in new AsyncNumbers(log, 5).ConfigureAwait(false))
            {
                if (item.Index == 1) break;
                parts.Add(item.Text);
            }
            try
            {
                await foreach (var item in new AsyncNumbers(log, 3))
                {
                    await Later(log, item.Index);
                    throw new InvalidOperationException("stop " + item.Text);
                }
            }
            catch (InvalidOperationException e) { parts.Add(e.Message); }
            return string.Join(" ", parts);
        }


        [PollAsync]
        public static async Future<string> AwaitedConditions(List<string> log)
        {
            var queue = new Queue<int>(new[] { 3, 1, 4, 1, 5 });
            var taken = new List<int>();
            while (queue.Count > 0 && await Later(log, queue.Peek()) != 4) taken.Add(queue.Dequeue());
            var rounds = 0;
            do { rounds++; } while (await Later(log, rounds) < 3);
            for (var i = await Later(log, 0); i < await Later(log, 2); i += await Later(log, 1)) taken.Add(i * 100);
            if (await Later<object>(log, "abc") is string { Length: > 2 } s && s[0] == await Later(log, 'a')) taken.Add(s.Length);
            return $"{string.Join(",", taken)} {rounds} {queue.Count}";
        }


        [PollAsync]
        public static async Future<string> StoredFutures(List<string> log)
        {
            var pending = new List<Future<int>>();
            for (var i = 1; i <= 3; i++) pending.Add(Square(log, i));
            var byName = new Dictionary<string, Future<int>> { ["ten"] = Square(log, 10) };
            var array = new[] { Square(log, 4), Square(log, 5) };
            var total = 0;
            foreach (var future in pending) total += await future;
            total += await byName["ten"];
            for (var i = array.Length - 1; i >= 0; i--) total += await array[i];
            return total.ToString();
        }

        [PollAsync]
        public static async Future<int> Square(List<string> log, int n)
        {
            await Future.Yield();
            return n * n;
        }


        [PollAsync]
        public static async Future<string> NestedLocalFunctions(List<string> log)
        {
            var total = 0;
            var seen = new List<string>();
            for (var round = 1; round <= 2; round++)
            {
                var label = "r" + round;
                void Record(int value)
                {
                    void Inner(string suffix) => seen.Add($"{label}:{value}{suffix}:{total}");
                    total += value;
                    Inner(round > 1 ? "!" : "");
                }
                Record(await Later(log, round));
                label += "b";
                Record(await Later(log, round * 10));
                static int Twice(int x) => x * 2;
                total = Twice(total);
            }
            Func<int, Func<int>> adder = x => () => x + total;
            var add = adder(await Later(log, 1));
            total += 1000;
            return $"{string.Join(" ", seen)} {add()}";
        }


        [PollAsync]
        public static async Future<string> CapturedCatchVariables(List<string> log)
        {
            var readers = new List<Func<string>>();
            for (var i = 0; i < 2; i++)
            {
                try
                {
                    await Later(log, i);
                    throw new InvalidOperationException("failure " + i);
                }
                catch (InvalidOperationException e)
                {
                    await Future.Yield();
                    readers.Add(() => e.Message); // each exception caught has its own 'e', as in C#
                }
            }
            using (var resource = new ControlAndCleanupRoundThreeTests.Resource(log, "captured"))
            {
                readers.Add(() => resource.Name);
                await Later(log, "inside");
            }
            return string.Join(" ", readers.Select(r => r()));
        }


        [PollAsync]
        public static async Future<string> TaskLocalFunctions(List<string> log)
        {
            var count = 0;
            async Task<int> Step(int n)
            {
                await Task.Yield();
                count += n;
                return count;
            }
            var first = await Step(await Later(log, 2));
            Func<int, Task<int>> twice = async n => await Step(n) + await Step(n);
            var second = await twice(await Later(log, 3));
            count *= await Later(log, 10);
            return $"{first} {second} {count}";
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


        public static async Task<string> StringsAndArrays(List<string> log)
        {
            var letters = "";
            foreach (var c in "abc") letters += char.ToUpperInvariant(await Later(log, c));
            var numbers = new[] { 1, 2, 3 };
            var sum = 0;
            foreach (var n in numbers)
            {
                numbers = new[] { 100 };
                numbers[0] += n;
                sum += await Later(log, n);
            }
            var text = "xy";
            foreach (var c in text)
            {
                text += await Later(log, c);
            }
            return $"{letters} {sum} {numbers[0]} {text}";
        }


        public static async Task<string> ClassEnumerator(List<string> log)
        {
            var seen = new List<int>();
            foreach (var n in new Logged(log, 1, 2, 3))
            {
                seen.Add(await Later(log, n));
                if (n == 2) break;
            }
            try
            {
                foreach (var n in new Logged(log, 4, 5))
                {
                    await Later(log, n);
                    if (n == 5) throw new InvalidOperationException("at " + n);
                }
            }
            catch (InvalidOperationException e) { seen.Add(-e.Message.Length); }
            seen.Add(await FirstBig(log));
            return string.Join(",", seen);
        }

        public static async Task<int> FirstBig(List<string> log)
        {
            foreach (var n in new Logged(log, 7, 8, 9))
            {
                if (await Later(log, n) > 7) return n;
            }
            return -1;
        }


        public static async Task<string> StructEnumeratorDispose(List<string> log)
        {
            var sum = 0;
            foreach (var n in new Window(log, 3)) sum += await Later(log, n);
            foreach (var n in new DisposableWindow(log, 4))
            {
                sum += await Later(log, n * 10);
                if (n == 2) break;
            }
            foreach (var n in new DisposableWindow(log, 2)) sum += await Later(log, n * 100);
            return sum.ToString();
        }


        public static async Task<string> ForeachShapes(List<string> log)
        {
            var parts = new List<string>();
            var ages = new SortedDictionary<string, int> { ["ann"] = 30, ["bo"] = 4 };
            foreach (var (name, age) in ages) parts.Add(name + (age + await Later(log, 1)));
            foreach (var i in 3) parts.Add("r" + await Later(log, i));
            System.Collections.ArrayList mixed = new() { "a", "b", 3 };
            try
            {
                foreach (string s in mixed) parts.Add(await Later(log, s));
            }
            catch (InvalidCastException) { parts.Add("bad cast"); }
            foreach ((int x, string y) in new[] { (1, "one") }) parts.Add(y + await Later(log, x));
            foreach (var _ in new int[2]) await Task.Yield();
            return string.Join(" ", parts);
        }


        public static async Task<string> AwaitForeach(List<string> log)
        {
            var parts = new List<string>();
            await foreach (var (index, text) in new AsyncNumbers(log, 3)) parts.Add(text + await Later(log, index));
            await foreach (var item in new AsyncNumbers(log, 5).ConfigureAwait(false))
            {
                if (item.Index == 1) break;
                parts.Add(item.Text);
            }
            try
            {
                await foreach (var item in new AsyncNumbers(log, 3))
                {
                    await Later(log, item.Index);
                    throw new InvalidOperationException("stop " + item.Text);
                }
            }
            catch (InvalidOperationException e) { parts.Add(e.Message); }
            return string.Join(" ", parts);
        }


        public static async Task<string> AwaitedConditions(List<string> log)
        {
            var queue = new Queue<int>(new[] { 3, 1, 4, 1, 5 });
            var taken = new List<int>();
            while (queue.Count > 0 && await Later(log, queue.Peek()) != 4) taken.Add(queue.Dequeue());
            var rounds = 0;
            do { rounds++; } while (await Later(log, rounds) < 3);
            for (var i = await Later(log, 0); i < await Later(log, 2); i += await Later(log, 1)) taken.Add(i * 100);
            if (await Later<object>(log, "abc") is string { Length: > 2 } s && s[0] == await Later(log, 'a')) taken.Add(s.Length);
            return $"{string.Join(",", taken)} {rounds} {queue.Count}";
        }


        public static async Task<string> StoredFutures(List<string> log)
        {
            var pending = new List<Task<int>>();
            for (var i = 1; i <= 3; i++) pending.Add(Square(log, i));
            var byName = new Dictionary<string, Task<int>> { ["ten"] = Square(log, 10) };
            var array = new[] { Square(log, 4), Square(log, 5) };
            var total = 0;
            foreach (var future in pending) total += await future;
            total += await byName["ten"];
            for (var i = array.Length - 1; i >= 0; i--) total += await array[i];
            return total.ToString();
        }

        public static async Task<int> Square(List<string> log, int n)
        {
            await Task.Yield();
            return n * n;
        }


        public static async Task<string> NestedLocalFunctions(List<string> log)
        {
            var total = 0;
            var seen = new List<string>();
            for (var round = 1; round <= 2; round++)
            {
                var label = "r" + round;
                void Record(int value)
                {
                    void Inner(string suffix) => seen.Add($"{label}:{value}{suffix}:{total}");
                    total += value;
                    Inner(round > 1 ? "!" : "");
                }
                Record(await Later(log, round));
                label += "b";
                Record(await Later(log, round * 10));
                static int Twice(int x) => x * 2;
                total = Twice(total);
            }
            Func<int, Func<int>> adder = x => () => x + total;
            var add = adder(await Later(log, 1));
            total += 1000;
            return $"{string.Join(" ", seen)} {add()}";
        }


        public static async Task<string> CapturedCatchVariables(List<string> log)
        {
            var readers = new List<Func<string>>();
            for (var i = 0; i < 2; i++)
            {
                try
                {
                    await Later(log, i);
                    throw new InvalidOperationException("failure " + i);
                }
                catch (InvalidOperationException e)
                {
                    await Task.Yield();
                    readers.Add(() => e.Message); // each exception caught has its own 'e', as in C#
                }
            }
            using (var resource = new ControlAndCleanupRoundThreeTests.Resource(log, "captured"))
            {
                readers.Add(() => resource.Name);
                await Later(log, "inside");
            }
            return string.Join(" ", readers.Select(r => r()));
        }


        public static async Task<string> TaskLocalFunctions(List<string> log)
        {
            var count = 0;
            async Task<int> Step(int n)
            {
                await Task.Yield();
                count += n;
                return count;
            }
            var first = await Step(await Later(log, 2));
            Func<int, Task<int>> twice = async n => await Step(n) + await Step(n);
            var second = await twice(await Later(log, 3));
            count *= await Later(log, 10);
            return $"{first} {second} {count}";
        }
    }

    [Fact]
    public Task Foreach_over_strings_and_an_array_variable_reassigned_in_the_body_matches_async_Task() =>
        SameAsTask.Same(log => F.StringsAndArrays(log), log => T.StringsAndArrays(log));

    [Fact]
    public Task A_class_enumerator_left_by_break_return_or_an_exception_is_disposed_once_as_in_async_Task() =>
        SameAsTask.Same(log => F.ClassEnumerator(log), log => T.ClassEnumerator(log));

    [Fact]
    public Task A_struct_enumerators_pattern_Dispose_is_not_called_and_an_IDisposable_ones_is_called_once_as_in_async_Task() =>
        SameAsTask.Same(log => F.StructEnumeratorDispose(log), log => T.StructEnumeratorDispose(log));

    [Fact]
    public Task Foreach_with_deconstruction_an_extension_GetEnumerator_and_explicit_casts_matches_async_Task() =>
        SameAsTask.Same(log => F.ForeachShapes(log), log => T.ForeachShapes(log));

    [Fact]
    public Task Await_foreach_over_a_BCL_async_enumerable_with_deconstruction_and_early_exit_matches_async_Task() =>
        SameAsTask.Same(log => F.AwaitForeach(log), log => T.AwaitForeach(log));

    [Fact]
    public Task While_and_do_loops_with_awaits_in_their_conditions_match_async_Task() =>
        SameAsTask.Same(log => F.AwaitedConditions(log), log => T.AwaitedConditions(log));

    [Fact]
    public Task Futures_created_in_a_loop_kept_in_a_list_and_awaited_later_give_async_Tasks_results() =>
        SameAsTask.Same(log => F.StoredFutures(log), log => T.StoredFutures(log));

    [Fact]
    public Task Local_functions_nested_in_local_functions_capturing_hoisted_state_match_async_Task() =>
        SameAsTask.Same(log => F.NestedLocalFunctions(log), log => T.NestedLocalFunctions(log));

    [Fact]
    public Task Lambdas_capturing_a_catch_variable_and_a_using_variable_across_awaits_match_async_Task() =>
        SameAsTask.Same(log => F.CapturedCatchVariables(log), log => T.CapturedCatchVariables(log));

    [Fact]
    public Task Async_Task_local_functions_and_lambdas_inside_a_future_match_async_Task() =>
        SameAsTask.Same(log => F.TaskLocalFunctions(log), log => T.TaskLocalFunctions(log));
}

/// <summary>The extension GetEnumerator a newcomer adds to write <c>foreach (var i in 3)</c>.</summary>
public static class CountExtensions
{
    public static IEnumerator<int> GetEnumerator(this int count) => Enumerable.Range(0, count).GetEnumerator();
}
