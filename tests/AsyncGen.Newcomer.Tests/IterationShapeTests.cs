using System.Runtime.CompilerServices;

namespace AsyncGen.Newcomer.Tests;

/// <summary>
/// Loops a newcomer writes around awaits, each beside the same code as <c>async Task</c>: <c>foreach</c> over struct
/// enumerators (the enumerator lives across the await and must not be copied), pattern-based <c>await foreach</c>,
/// async iterators left early, closures over <c>for</c> and <c>foreach</c> variables, <c>goto</c> loops.
/// </summary>
public partial class IterationShapeTests
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

    /// <summary>A mutable struct enumerator: a copy of it would start over or never end.</summary>
    public readonly struct Countdown(int from)
    {
        public Enumerator GetEnumerator() => new(from);

        public struct Enumerator(int from)
        {
            private int _next = from + 1;
            public int Current => _next;
            public bool MoveNext() => --_next > 0;
        }
    }

    [PollAsync]
    private static async Future<string> StructEnumerators()
    {
        var seen = new List<int>();
        foreach (var n in new Countdown(3)) seen.Add(await Later(n));
        var list = new List<int> { 10, 20, 30 };
        var sum = 0;
        foreach (var x in list)
        {
            sum += await Later(x);
        }
        var dict = new Dictionary<string, int> { ["a"] = 1, ["b"] = 2 };
        foreach (var pair in dict) sum += pair.Value * await Later(100);
        var set = new HashSet<int> { 7 };
        foreach (var s in set) { await Future.Yield(); sum += s; }
        return $"{string.Join(",", seen)} {sum}";
    }

    private static async Task<string> StructEnumeratorsTask()
    {
        var seen = new List<int>();
        foreach (var n in new Countdown(3)) seen.Add(await LaterTask(n));
        var list = new List<int> { 10, 20, 30 };
        var sum = 0;
        foreach (var x in list)
        {
            sum += await LaterTask(x);
        }
        var dict = new Dictionary<string, int> { ["a"] = 1, ["b"] = 2 };
        foreach (var pair in dict) sum += pair.Value * await LaterTask(100);
        var set = new HashSet<int> { 7 };
        foreach (var s in set) { await Task.Yield(); sum += s; }
        return $"{string.Join(",", seen)} {sum}";
    }

    [Fact]
    public async Task Foreach_over_struct_enumerators_with_awaits_in_the_body_matches_async_Task()
    {
        Assert.Equal(await StructEnumeratorsTask(), Executor.BlockOn(StructEnumerators()));
    }

    [PollAsync]
    private static async Future<string> ModifiedDuringForeach()
    {
        var list = new List<int> { 1, 2 };
        try
        {
            foreach (var x in list)
            {
                await Future.Yield();
                list.Add(x);
            }
            return "no exception";
        }
        catch (InvalidOperationException e)
        {
            return e.GetType().Name;
        }
    }

    [Fact]
    public void A_list_changed_inside_foreach_across_an_await_throws_like_the_struct_enumerator_does()
    {
        Assert.Equal(nameof(InvalidOperationException), Executor.BlockOn(ModifiedDuringForeach()));
    }

    /// <summary>A pattern-based async stream: no interface, a struct enumerator, ValueTask-returning members.</summary>
    public sealed class Pages(List<string> log, int count)
    {
        public Enumerator GetAsyncEnumerator(CancellationToken token = default) => new(log, count);

        public struct Enumerator(List<string> log, int count)
        {
            private int _page;
            public readonly int Current => _page;

            // Not async: an async struct method would advance a copy of the enumerator.
            public ValueTask<bool> MoveNextAsync() => Delayed(++_page <= count);

            private static async ValueTask<bool> Delayed(bool more)
            {
                await Task.Yield();
                return more;
            }

            public readonly ValueTask DisposeAsync()
            {
                log.Add($"disposed at {_page}");
                return ValueTask.CompletedTask;
            }
        }
    }

    private static async IAsyncEnumerable<int> Numbers(List<string> log)
    {
        try
        {
            for (var i = 1; ; i++)
            {
                await Task.Yield();
                log.Add($"yield {i}");
                yield return i;
            }
        }
        finally
        {
            log.Add("iterator finally");
        }
    }

    [PollAsync]
    private static async Future<string> AsyncStreams(List<string> log)
    {
        var total = 0;
        await foreach (var page in new Pages(log, 3)) total += page * await Later(10);
        await foreach (var n in Numbers(log))
        {
            if (n == 3) break;
            total += await Later(n);
        }
        await foreach (var n in Numbers(log).WithCancellation(CancellationToken.None).ConfigureAwait(false))
        {
            if (n > 1) break;
            total += n;
        }
        return $"{total} | {string.Join("; ", log)}";
    }

    private static async Task<string> AsyncStreamsTask(List<string> log)
    {
        var total = 0;
        await foreach (var page in new Pages(log, 3)) total += page * await LaterTask(10);
        await foreach (var n in Numbers(log))
        {
            if (n == 3) break;
            total += await LaterTask(n);
        }
        await foreach (var n in Numbers(log).WithCancellation(CancellationToken.None).ConfigureAwait(false))
        {
            if (n > 1) break;
            total += n;
        }
        return $"{total} | {string.Join("; ", log)}";
    }

    [Fact]
    public async Task Await_foreach_over_a_pattern_based_stream_and_an_iterator_left_by_break_matches_async_Task()
    {
        Assert.Equal(await AsyncStreamsTask([]), Executor.BlockOn(AsyncStreams([])));
    }

    [PollAsync]
    private static async Future<string> Closures()
    {
        var fromFor = new List<Func<int>>();
        for (var i = 0; i < 3; i++)
        {
            fromFor.Add(() => i);
            await Future.Yield();
        }
        var fromForeach = new List<Func<int>>();
        foreach (var item in new[] { 10, 20, 30 })
        {
            var doubled = item * 2;
            fromForeach.Add(() => item + doubled);
            await Future.Yield();
        }
        var counter = 0;
        Func<int> read = () => counter;
        Action bump = () => counter += 100;
        await Future.Yield();
        counter = 5;
        bump();
        var afterBump = read();
        await Future.Yield();
        static int Twice(int x) => x * 2;
        int AddCounter(int x) => x + counter;
        return $"{string.Join(",", fromFor.Select(f => f()))} {string.Join(",", fromForeach.Select(f => f()))} {afterBump} {Twice(await Later(4))} {AddCounter(await Later(1))}";
    }

    private static async Task<string> ClosuresTask()
    {
        var fromFor = new List<Func<int>>();
        for (var i = 0; i < 3; i++)
        {
            fromFor.Add(() => i);
            await Task.Yield();
        }
        var fromForeach = new List<Func<int>>();
        foreach (var item in new[] { 10, 20, 30 })
        {
            var doubled = item * 2;
            fromForeach.Add(() => item + doubled);
            await Task.Yield();
        }
        var counter = 0;
        Func<int> read = () => counter;
        Action bump = () => counter += 100;
        await Task.Yield();
        counter = 5;
        bump();
        var afterBump = read();
        await Task.Yield();
        static int Twice(int x) => x * 2;
        int AddCounter(int x) => x + counter;
        return $"{string.Join(",", fromFor.Select(f => f()))} {string.Join(",", fromForeach.Select(f => f()))} {afterBump} {Twice(await LaterTask(4))} {AddCounter(await LaterTask(1))}";
    }

    [Fact]
    public async Task Lambdas_share_a_for_variable_but_get_a_foreach_variable_each_as_in_async_Task()
    {
        Assert.Equal(await ClosuresTask(), Executor.BlockOn(Closures()));
    }

    [PollAsync]
    private static async Future<string> GotoLoops(int[][] grid)
    {
        var log = new List<string>();
        var row = 0;
    nextRow:
        if (row >= grid.Length) goto done;
        for (var col = 0; col < grid[row].Length; col++)
        {
            var cell = await Later(grid[row][col]);
            if (cell < 0) { log.Add($"skip row {row}"); row++; goto nextRow; }
            if (cell == 0) goto found;
            log.Add($"{row},{col}={cell}");
        }
        row++;
        goto nextRow;
    found:
        log.Add($"zero in row {row}");
    done:
        await Future.Yield();
        return string.Join(" ", log);
    }

    private static async Task<string> GotoLoopsTask(int[][] grid)
    {
        var log = new List<string>();
        var row = 0;
    nextRow:
        if (row >= grid.Length) goto done;
        for (var col = 0; col < grid[row].Length; col++)
        {
            var cell = await LaterTask(grid[row][col]);
            if (cell < 0) { log.Add($"skip row {row}"); row++; goto nextRow; }
            if (cell == 0) goto found;
            log.Add($"{row},{col}={cell}");
        }
        row++;
        goto nextRow;
    found:
        log.Add($"zero in row {row}");
    done:
        await Task.Yield();
        return string.Join(" ", log);
    }

    [Fact]
    public async Task Goto_out_of_a_for_loop_to_labels_before_and_after_it_matches_async_Task()
    {
        int[][] grid = [[1, 2], [3, -1, 9], [4, 0, 5], [6]];
        Assert.Equal(await GotoLoopsTask(grid), Executor.BlockOn(GotoLoops(grid)));
        int[][] noZero = [[1], [2, 3]];
        Assert.Equal(await GotoLoopsTask(noZero), Executor.BlockOn(GotoLoops(noZero)));
    }
}
