namespace AsyncGen.Newcomer.Tests;

/// <summary>
/// Third newcomer round: tuples of more than seven elements, awaits in <c>lock</c>, <c>foreach</c>, <c>using</c> and
/// <c>throw</c> headers, array creations with awaited sizes, indexes from the end and ranges, checked conversions,
/// boxed structs, futures spawned in a loop and joined later, a generic class with a constraint and its nested class,
/// tuple equality and casts of awaited values; each program beside the same text as <c>async Task</c>.
/// </summary>
public partial class TypeAndHeaderRoundThreeTests
{
    public struct Tally : ICloneable
    {
        public int Count;
        public void Add() => Count++;
        public object Clone() => this;
    }

    public interface IAdd
    {
        void Add();
    }

    public struct Adder : IAdd
    {
        public int Count;
        public void Add() => Count++;
    }

    /// <summary>A generic class with a constraint and static state, as a newcomer writes a running maximum.</summary>
    public sealed partial class Maximum<TValue> where TValue : IComparable<TValue>
    {
        public static int Instances;
        private TValue? _best;
        private bool _any;

        public Maximum() => Instances++;

        [PollAsync]
        public async Future<TValue> Offer(List<string> log, TValue value)
        {
            await Future.Yield();
            if (!_any || value.CompareTo(_best!) > 0) { _best = value; _any = true; }
            log.Add("best " + _best);
            return _best!;
        }

        public async Task<TValue> OfferTask(List<string> log, TValue value)
        {
            await Task.Yield();
            if (!_any || value.CompareTo(_best!) > 0) { _best = value; _any = true; }
            log.Add("best " + _best);
            return _best!;
        }

        /// <summary>A nested class of the generic class with its own future.</summary>
        public static partial class Helpers
        {
            [PollAsync]
            public static async Future<string> Describe(Maximum<TValue> max, TValue value)
            {
                await Future.Yield();
                return typeof(TValue).Name + " " + value + " " + max._any;
            }

            public static async Task<string> DescribeTask(Maximum<TValue> max, TValue value)
            {
                await Task.Yield();
                return typeof(TValue).Name + " " + value + " " + max._any;
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

        public static JoinHandle<TResult> Start<TResult>(Future<TResult> future) => Executor.Spawn(future);

        [PollAsync]
        public static async Future<TValue> Offer<TValue>(Maximum<TValue> max, List<string> log, TValue value) where TValue : IComparable<TValue>
        {
            return await max.Offer(log, value);
        }

        [PollAsync]
        public static async Future<string> Describe<TValue>(Maximum<TValue> max, TValue value) where TValue : IComparable<TValue>
        {
            return await Maximum<TValue>.Helpers.Describe(max, value);
        }


        [PollAsync]
        public static async Future<string> LongTuples(List<string> log)
        {
            var t = (1, 2, 3, 4, 5, 6, 7, 8, await Later(log, 9));
            t.Item9 += await Later(log, 10);
            t.Item8++;
            var named = (A: "a", B: await Later(log, "b"), C: 3, D: 4, E: 5, F: 6, G: 7, H: await Later(log, 8));
            named.H *= 2;
            var (first, _, _, _, _, _, _, eighth, ninth) = t;
            var equal = (t.Item1, await Later(log, 2)) == (1, t.Item2);
            return $"{t} {named} {first} {eighth} {ninth} {equal} {named.H}";
        }


        [PollAsync]
        public static async Future<string> AwaitedHeaders(List<string> log)
        {
            var gate = new object();
            var parts = new List<string>();
            lock (await Later(log, gate))
            {
                parts.Add("locked " + Monitor.IsEntered(gate));
            }
            parts.Add("released " + Monitor.IsEntered(gate));
            foreach (var n in await Later(log, new[] { 1, 2 })) parts.Add((n + await Later(log, 10)).ToString());
            using (await Later(log, new ControlAndCleanupRoundThreeTests.Resource(log, "header")))
            {
                parts.Add("in using");
            }
            try
            {
                throw await Later(log, new InvalidOperationException("thrown after await"));
            }
            catch (InvalidOperationException e) { parts.Add(e.Message); }
            return string.Join(" ", parts);
        }


        [PollAsync]
        public static async Future<string> ArrayCreations(List<string> log)
        {
            var sized = new int[await Later(log, 3)];
            var filled = new[] { 1, await Later(log, 2), 3 };
            var grid = new string[await Later(log, 2), 2];
            grid[1, 1] = await Later(log, "corner");
            var jagged = new int[][] { new[] { await Later(log, 4) }, new int[await Later(log, 2)] };
            int total;
            {
                Span<int> scratch = stackalloc int[4];
                scratch.Fill(2);
                total = scratch.Length;
                foreach (var v in scratch) total += v;
            }
            total += await Later(log, 100);
            return $"{sized.Length} {string.Join(",", filled)} {grid[1, 1]} {jagged[0][0]} {jagged[1].Length} {total}";
        }


        [PollAsync]
        public static async Future<string> IndexesFromTheEnd(List<string> log)
        {
            var numbers = new[] { 1, 2, 3, 4, 5 };
            numbers[^1] += await Later(log, 10);
            numbers[^await Later(log, 2)] *= 3;
            var list = new List<int> { 7, 8, 9 };
            list[^1] -= await Later(log, 4);
            var slice = numbers[await Later(log, 1)..^1];
            var text = "newcomer"[..await Later(log, 3)];
            var last = list[^1] + list[^await Later(log, 3)];
            return $"{string.Join(",", numbers)} {string.Join(",", list)} {string.Join(",", slice)} {text} {last}";
        }


        [PollAsync]
        public static async Future<string> CheckedConversions(List<string> log)
        {
            var parts = new List<string>();
            parts.Add(unchecked((int)await Later(log, uint.MaxValue)).ToString());
            parts.Add(unchecked((byte)(await Later(log, 250) + 10)).ToString());
            try { parts.Add(checked((byte)await Later(log, 300)).ToString()); }
            catch (OverflowException) { parts.Add("overflow byte"); }
            var total = int.MaxValue - 2;
            try
            {
                checked
                {
                    total += await Later(log, 1);
                    parts.Add(total.ToString());
                    total += await Later(log, 5);
                    parts.Add("unreachable");
                }
            }
            catch (OverflowException) { parts.Add("overflow at " + total); }
            unchecked
            {
                total += await Later(log, 10);
                parts.Add(total.ToString());
            }
            return string.Join(" ", parts);
        }


        [PollAsync]
        public static async Future<string> BoxedStructs(List<string> log)
        {
            var adder = new Adder();
            IAdd boxed = adder;
            boxed.Add();
            await Later(log, "boxed");
            boxed.Add();
            adder.Add();
            object copy = boxed;
            ((IAdd)copy).Add();
            var tally = new Tally();
            tally.Add();
            var clone = (Tally)tally.Clone();
            tally.Add();
            await Future.Yield();
            clone.Add();
            clone.Add();
            return $"{adder.Count} {((Adder)boxed).Count} {((Adder)copy).Count} {tally.Count} {clone.Count}";
        }


        [PollAsync]
        public static async Future<string> SpawnedInLoop(List<string> log)
        {
            var handles = new List<(int Index, Future<int> Pending)>();
            for (var i = 0; i < 4; i++)
            {
                var copy = i;
                if (copy % 2 == 0) handles.Add((copy, Cube(copy)));
            }
            var spawned = new[] { Start(Cube(5)), Start(Cube(6)) };
            var total = 0;
            foreach (var (index, pending) in handles) total += index + await pending;
            foreach (var handle in spawned) total += await handle;
            log.Add("total " + total);
            return total.ToString();
        }

        [PollAsync]
        public static async Future<int> Cube(int n)
        {
            await Future.Yield();
            return n * n * n;
        }


        [PollAsync]
        public static async Future<string> GenericClassMembers(List<string> log)
        {
            Maximum<int>.Instances = 0;
            var ints = new Maximum<int>();
            var words = new Maximum<string>();
            var best = 0;
            foreach (var n in new[] { 3, 9, 4 }) best = await Offer(ints, log, n);
            var word = await Offer(words, log, "pear");
            word = await Offer(words, log, await Later(log, "apple"));
            var describe = await Describe(ints, best) + " | " + await Describe(words, word);
            return $"{best} {word} {Maximum<int>.Instances} {describe}";
        }


        [PollAsync]
        public static async Future<string> TupleEquality(List<string> log)
        {
            var point = (X: 1, Y: await Later(log, 2));
            var same = point == (await Later(log, 1), 2);
            var different = (point.X, await Later(log, "y")) != (1, "y");
            (int Min, int Max) range = (await Later(log, 5), await Later(log, 1));
            if (range.Min > range.Max) range = (range.Max, range.Min);
            var swapped = (range.Max, range.Min);
            (swapped.Max, swapped.Min) = (swapped.Min, await Later(log, swapped.Max));
            int? maybe = null;
            var lifted = (maybe, point.X) == (null, await Later(log, 1));
            return $"{point} {same} {different} {range} {swapped} {lifted}";
        }


        [PollAsync]
        public static async Future<string> AwaitedCasts(List<string> log)
        {
            var length = (await Later<string?>(log, "four"))!.Length;
            var widened = (long)await Later(log, 7) << 40;
            object boxed = await Later(log, 3.5);
            var isDouble = boxed is double d && d > await Later(log, 3.0);
            var asText = await Later<object>(log, 12) as string ?? "not text";
            var items = await Later<IEnumerable<int>>(log, new List<int> { 1, 2 });
            var list = (List<int>)items;
            list.Add(await Later(log, 3));
            var typeName = (await Later<object>(log, list)).GetType().Name;
            return $"{length} {widened} {isDouble} {asText} {list.Count} {typeName}";
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

        public static Task<TResult> Start<TResult>(Task<TResult> task) => task;

        public static Task<TValue> Offer<TValue>(Maximum<TValue> max, List<string> log, TValue value) where TValue : IComparable<TValue> => max.OfferTask(log, value);

        public static Task<string> Describe<TValue>(Maximum<TValue> max, TValue value) where TValue : IComparable<TValue> => Maximum<TValue>.Helpers.DescribeTask(max, value);


        public static async Task<string> LongTuples(List<string> log)
        {
            var t = (1, 2, 3, 4, 5, 6, 7, 8, await Later(log, 9));
            t.Item9 += await Later(log, 10);
            t.Item8++;
            var named = (A: "a", B: await Later(log, "b"), C: 3, D: 4, E: 5, F: 6, G: 7, H: await Later(log, 8));
            named.H *= 2;
            var (first, _, _, _, _, _, _, eighth, ninth) = t;
            var equal = (t.Item1, await Later(log, 2)) == (1, t.Item2);
            return $"{t} {named} {first} {eighth} {ninth} {equal} {named.H}";
        }


        public static async Task<string> AwaitedHeaders(List<string> log)
        {
            var gate = new object();
            var parts = new List<string>();
            lock (await Later(log, gate))
            {
                parts.Add("locked " + Monitor.IsEntered(gate));
            }
            parts.Add("released " + Monitor.IsEntered(gate));
            foreach (var n in await Later(log, new[] { 1, 2 })) parts.Add((n + await Later(log, 10)).ToString());
            using (await Later(log, new ControlAndCleanupRoundThreeTests.Resource(log, "header")))
            {
                parts.Add("in using");
            }
            try
            {
                throw await Later(log, new InvalidOperationException("thrown after await"));
            }
            catch (InvalidOperationException e) { parts.Add(e.Message); }
            return string.Join(" ", parts);
        }


        public static async Task<string> ArrayCreations(List<string> log)
        {
            var sized = new int[await Later(log, 3)];
            var filled = new[] { 1, await Later(log, 2), 3 };
            var grid = new string[await Later(log, 2), 2];
            grid[1, 1] = await Later(log, "corner");
            var jagged = new int[][] { new[] { await Later(log, 4) }, new int[await Later(log, 2)] };
            int total;
            {
                Span<int> scratch = stackalloc int[4];
                scratch.Fill(2);
                total = scratch.Length;
                foreach (var v in scratch) total += v;
            }
            total += await Later(log, 100);
            return $"{sized.Length} {string.Join(",", filled)} {grid[1, 1]} {jagged[0][0]} {jagged[1].Length} {total}";
        }


        public static async Task<string> IndexesFromTheEnd(List<string> log)
        {
            var numbers = new[] { 1, 2, 3, 4, 5 };
            numbers[^1] += await Later(log, 10);
            numbers[^await Later(log, 2)] *= 3;
            var list = new List<int> { 7, 8, 9 };
            list[^1] -= await Later(log, 4);
            var slice = numbers[await Later(log, 1)..^1];
            var text = "newcomer"[..await Later(log, 3)];
            var last = list[^1] + list[^await Later(log, 3)];
            return $"{string.Join(",", numbers)} {string.Join(",", list)} {string.Join(",", slice)} {text} {last}";
        }


        public static async Task<string> CheckedConversions(List<string> log)
        {
            var parts = new List<string>();
            parts.Add(unchecked((int)await Later(log, uint.MaxValue)).ToString());
            parts.Add(unchecked((byte)(await Later(log, 250) + 10)).ToString());
            try { parts.Add(checked((byte)await Later(log, 300)).ToString()); }
            catch (OverflowException) { parts.Add("overflow byte"); }
            var total = int.MaxValue - 2;
            try
            {
                checked
                {
                    total += await Later(log, 1);
                    parts.Add(total.ToString());
                    total += await Later(log, 5);
                    parts.Add("unreachable");
                }
            }
            catch (OverflowException) { parts.Add("overflow at " + total); }
            unchecked
            {
                total += await Later(log, 10);
                parts.Add(total.ToString());
            }
            return string.Join(" ", parts);
        }


        public static async Task<string> BoxedStructs(List<string> log)
        {
            var adder = new Adder();
            IAdd boxed = adder;
            boxed.Add();
            await Later(log, "boxed");
            boxed.Add();
            adder.Add();
            object copy = boxed;
            ((IAdd)copy).Add();
            var tally = new Tally();
            tally.Add();
            var clone = (Tally)tally.Clone();
            tally.Add();
            await Task.Yield();
            clone.Add();
            clone.Add();
            return $"{adder.Count} {((Adder)boxed).Count} {((Adder)copy).Count} {tally.Count} {clone.Count}";
        }


        public static async Task<string> SpawnedInLoop(List<string> log)
        {
            var handles = new List<(int Index, Task<int> Pending)>();
            for (var i = 0; i < 4; i++)
            {
                var copy = i;
                if (copy % 2 == 0) handles.Add((copy, Cube(copy)));
            }
            var spawned = new[] { Start(Cube(5)), Start(Cube(6)) };
            var total = 0;
            foreach (var (index, pending) in handles) total += index + await pending;
            foreach (var handle in spawned) total += await handle;
            log.Add("total " + total);
            return total.ToString();
        }

        public static async Task<int> Cube(int n)
        {
            await Task.Yield();
            return n * n * n;
        }


        public static async Task<string> GenericClassMembers(List<string> log)
        {
            Maximum<int>.Instances = 0;
            var ints = new Maximum<int>();
            var words = new Maximum<string>();
            var best = 0;
            foreach (var n in new[] { 3, 9, 4 }) best = await Offer(ints, log, n);
            var word = await Offer(words, log, "pear");
            word = await Offer(words, log, await Later(log, "apple"));
            var describe = await Describe(ints, best) + " | " + await Describe(words, word);
            return $"{best} {word} {Maximum<int>.Instances} {describe}";
        }


        public static async Task<string> TupleEquality(List<string> log)
        {
            var point = (X: 1, Y: await Later(log, 2));
            var same = point == (await Later(log, 1), 2);
            var different = (point.X, await Later(log, "y")) != (1, "y");
            (int Min, int Max) range = (await Later(log, 5), await Later(log, 1));
            if (range.Min > range.Max) range = (range.Max, range.Min);
            var swapped = (range.Max, range.Min);
            (swapped.Max, swapped.Min) = (swapped.Min, await Later(log, swapped.Max));
            int? maybe = null;
            var lifted = (maybe, point.X) == (null, await Later(log, 1));
            return $"{point} {same} {different} {range} {swapped} {lifted}";
        }


        public static async Task<string> AwaitedCasts(List<string> log)
        {
            var length = (await Later<string?>(log, "four"))!.Length;
            var widened = (long)await Later(log, 7) << 40;
            object boxed = await Later(log, 3.5);
            var isDouble = boxed is double d && d > await Later(log, 3.0);
            var asText = await Later<object>(log, 12) as string ?? "not text";
            var items = await Later<IEnumerable<int>>(log, new List<int> { 1, 2 });
            var list = (List<int>)items;
            list.Add(await Later(log, 3));
            var typeName = (await Later<object>(log, list)).GetType().Name;
            return $"{length} {widened} {isDouble} {asText} {list.Count} {typeName}";
        }
    }

    [Fact]
    public Task Tuples_of_more_than_seven_elements_across_awaits_match_async_Task() =>
        SameAsTask.Same(log => F.LongTuples(log), log => T.LongTuples(log));

    [Fact]
    public Task Awaits_in_lock_foreach_throw_and_using_headers_match_async_Task() =>
        SameAsTask.Same(log => F.AwaitedHeaders(log), log => T.AwaitedHeaders(log));

    [Fact]
    public Task Array_creations_with_awaited_sizes_and_elements_match_async_Task() =>
        SameAsTask.Same(log => F.ArrayCreations(log), log => T.ArrayCreations(log));

    [Fact]
    public Task Indexes_from_the_end_and_ranges_with_awaits_match_async_Task() =>
        SameAsTask.Same(log => F.IndexesFromTheEnd(log), log => T.IndexesFromTheEnd(log));

    [Fact]
    public Task Checked_and_unchecked_conversions_of_awaited_values_match_async_Task() =>
        SameAsTask.Same(log => F.CheckedConversions(log), log => T.CheckedConversions(log));

    [Fact]
    public Task Boxed_structs_mutated_through_interfaces_across_awaits_match_async_Task() =>
        SameAsTask.Same(log => F.BoxedStructs(log), log => T.BoxedStructs(log));

    [Fact]
    public Task Futures_spawned_in_a_loop_from_the_body_and_joined_later_give_async_Tasks_results() =>
        SameAsTask.Same(log => F.SpawnedInLoop(log), log => T.SpawnedInLoop(log));

    [Fact]
    public Task Methods_of_a_generic_class_with_a_constraint_and_its_nested_class_match_async_Task() =>
        SameAsTask.Same(log => F.GenericClassMembers(log), log => T.GenericClassMembers(log));

    [Fact]
    public Task Tuple_equality_and_tuple_element_names_with_awaits_match_async_Task() =>
        SameAsTask.Same(log => F.TupleEquality(log), log => T.TupleEquality(log));

    [Fact]
    public Task Null_forgiving_casts_and_type_tests_of_awaited_values_match_async_Task() =>
        SameAsTask.Same(log => F.AwaitedCasts(log), log => T.AwaitedCasts(log));
}
