using AsyncGen.Generator.Tests.Infrastructure;

namespace AsyncGen.Generator.Tests.Generator;

/// <summary>
/// The generated machine of one method per construct, compared with <c>Snapshots/SnapshotTests.*.verified.cs</c>
/// (review those files for readability). Each test also checks that the output compiles without diagnostics.
/// </summary>
public class SnapshotTests
{
    private const string Prelude = """
        using System;
        using System.Collections.Generic;
        using System.Threading.Tasks;
        using AsyncGen;

        namespace Demo;

        """;

    private static void Verify(string members, string structName, string kind = "static partial class", [System.Runtime.CompilerServices.CallerMemberName] string test = "")
    {
        var source = Prelude + $"public {kind} Sample\n{{\n{members}\n}}\n";
        var run = GeneratorHarness.Run(source, "Sample.cs").AssertCompiles();
        Assert.Empty(run.GeneratorDiagnostics);
        Snapshot.Verify(run.Source("." + structName + ".g.cs"), nameof(SnapshotTests), test);
    }

    [Fact]
    public void Straight_line_struct_future() => Verify("""
            [PollAsync]
            public static async Future<int> DelayAdd(int a, int b)
            {
                await Time.Sleep(TimeSpan.FromMilliseconds(10));
                return a + b;
            }
        """, "DelayAddFuture");

    [Fact]
    public void Nested_PollAsync_call_is_embedded_by_value() => Verify("""
            [PollAsync]
            public static async Future<int> Outer(int x)
            {
                var doubled = await Inner(x);
                return doubled + 1;
            }

            [PollAsync]
            public static async Future<int> Inner(int x)
            {
                await Time.Sleep(TimeSpan.Zero);
                return x * 2;
            }
        """, "OuterFuture");

    [Fact]
    public void Class_future_is_held_by_reference() => Verify("""
            [PollAsync]
            public static async Future<string> AwaitHandle(Future<string> pending)
            {
                var text = await pending;
                return text.ToUpperInvariant();
            }
        """, "AwaitHandleFuture");

    [Fact]
    public void Task_and_ValueTask_go_through_the_wake_relay() => Verify("""
            [PollAsync]
            public static async Future<int> Mixed(Task<int> task, ValueTask<int> valueTask)
            {
                await Task.Yield();
                var a = await task;
                var b = await valueTask;
                await Task.Delay(1).ConfigureAwait(false);
                return a + b;
            }
        """, "MixedFuture");

    [Fact]
    public void Future_without_result() => Verify("""
            [PollAsync]
            public static async Future Log(List<string> log, string text)
            {
                await Time.Sleep(TimeSpan.Zero);
                if (text.Length == 0) return;
                log.Add(text);
            }
        """, "LogFuture");

    [Fact]
    public void If_else_with_awaits_in_both_branches() => Verify("""
            [PollAsync]
            public static async Future<string> Choose(bool flag)
            {
                string result;
                if (flag)
                {
                    await Task.Yield();
                    result = "yes";
                }
                else
                {
                    result = await Task.FromResult("no");
                }
                return result;
            }
        """, "ChooseFuture");

    [Fact]
    public void While_loop_with_break_and_continue() => Verify("""
            [PollAsync]
            public static async Future<int> Count(int limit)
            {
                var i = 0;
                var total = 0;
                while (i < limit)
                {
                    i++;
                    if (i == 2) continue;
                    await Time.Sleep(TimeSpan.Zero);
                    total += i;
                    if (total > 100) break;
                }
                return total;
            }
        """, "CountFuture");

    [Fact]
    public void Do_while_with_awaited_condition() => Verify("""
            [PollAsync]
            public static async Future<int> Repeat(Func<Task<bool>> again)
            {
                var rounds = 0;
                do
                {
                    rounds++;
                }
                while (await again());
                return rounds;
            }
        """, "RepeatFuture");

    [Fact]
    public void For_loop_variable_lives_across_awaits() => Verify("""
            [PollAsync]
            public static async Future<int> Sum(int n)
            {
                var sum = 0;
                for (var i = 0; i < n; i++)
                {
                    await Time.Sleep(TimeSpan.Zero);
                    sum += i;
                }
                return sum;
            }
        """, "SumFuture");

    [Fact]
    public void Foreach_over_a_list_disposes_its_enumerator() => Verify("""
            [PollAsync]
            public static async Future<int> Total(List<int> values)
            {
                var total = 0;
                foreach (var value in values)
                {
                    await Time.Sleep(TimeSpan.Zero);
                    total += value;
                }
                return total;
            }
        """, "TotalFuture");

    [Fact]
    public void Foreach_over_an_array_is_an_index_loop() => Verify("""
            [PollAsync]
            public static async Future<int> Total(int[] values)
            {
                var total = 0;
                foreach (var value in values)
                {
                    total += await Task.FromResult(value);
                }
                return total;
            }
        """, "TotalFuture");

    [Fact]
    public void Switch_statement_with_awaits_in_sections() => Verify("""
            [PollAsync]
            public static async Future<string> Describe(int n)
            {
                switch (n)
                {
                    case 0:
                        return "zero";
                    case 1:
                    case 2:
                        await Task.Yield();
                        return "small";
                    default:
                        await Time.Sleep(TimeSpan.Zero);
                        break;
                }
                return "large";
            }
        """, "DescribeFuture");

    [Fact]
    public void Case_labels_whose_when_clause_awaits_are_tested_in_order_between_CSharp_switches() => Verify("""
            [PollAsync]
            public static async Future<string> Classify(object item, Func<int, Task<bool>> isKnown)
            {
                switch (item)
                {
                    default:
                        return "other";
                    case 0:
                    case "zero":
                        return "zero";
                    case int n when await isKnown(n):
                        return "known " + n;
                    case int n when n > 100:
                        return "big " + n;
                    case string s when await isKnown(s.Length) && s.Length > 1:
                        await Task.Yield();
                        return "known text " + s;
                }
            }
        """, "ClassifyFuture");

    [Fact]
    public void Labels_after_an_awaiting_guard_read_shared_properties_once() => Verify("""
            public sealed class Order { public int Status { get; set; } public string? Region { get; set; } }

            [PollAsync]
            public static async Future<string> Route(Order order, Func<Order, Task<bool>> claim)
            {
                switch (order)
                {
                    case { Status: 1, Region: "eu" } when await claim(order):
                        return "claimed";
                    case { Status: 1 or 2 }:
                        return "open";
                    case { Region: var region }:
                        return "closed in " + region;
                    default:
                        return "no order";
                }
            }
        """, "RouteFuture");

    [Fact]
    public void Labels_after_an_awaiting_guard_read_properties_under_tuple_elements_once() => Verify("""
            public sealed class Order { public int Status { get; set; } }

            [PollAsync]
            public static async Future<string> Route(Order order, int flag, Func<Order, Task<bool>> claim)
            {
                switch ((order, flag))
                {
                    case ({ Status: > 0 } o, 1) when await claim(o):
                        return "claimed";
                    case ({ Status: 1 }, _):
                        return "open";
                    case { Item1.Status: 2, Item2: var f }:
                        return "closed " + f;
                    default:
                        return "no order";
                }
            }
        """, "RouteFuture");

    [Fact]
    public void Labels_after_an_awaiting_guard_read_an_objects_ITuple_length_and_items_once() => Verify("""
            [PollAsync]
            public static async Future<string> Route(object message, Func<object?, Task<bool>> claim)
            {
                switch (message)
                {
                    case (1, var body) when await claim(body):
                        return "claimed";
                    case (1, _):
                        return "one";
                    case (_, 2, _):
                        return "three items";
                    default:
                        return "other";
                }
            }
        """, "RouteFuture");

    [Fact]
    public void Labels_after_an_awaiting_guard_deconstruct_and_index_once() => Verify("""
            public sealed class Point { public int X, Y; public void Deconstruct(out int x, out int y) => (x, y) = (X, Y); }

            [PollAsync]
            public static async Future<string> Route(Point point, List<int> path, Func<int, Task<bool>> claim)
            {
                var where = point switch
                {
                    (0, var y) when await claim(y) => "claimed",
                    (0, 0) => "origin",
                    (_, 0) => "on the axis",
                    _ => "elsewhere",
                };
                switch (path)
                {
                    case [1, ..] when await claim(1):
                        return where + ", claimed";
                    case [1, .. var rest, 9]:
                        return where + ", from 1 to 9 through " + rest.Count;
                    case [_, 2]:
                        return where + ", two steps";
                    default:
                        return where;
                }
            }
        """, "RouteFuture");

    [Fact]
    public void Lambda_of_a_delegate_type_built_from_an_anonymous_type_capturing_a_loop_variable_is_created_by_a_helper() => Verify("""
            [PollAsync]
            public static async Future<string> Label(int[] orders)
            {
                var text = "";
                foreach (var order in orders)
                {
                    await Task.Yield();
                    var lines = System.Linq.Enumerable.Select(new[] { "a", "b" }, l => new { Line = l, Order = order });
                    text += string.Join(",", lines);
                }
                return text;
            }
        """, "LabelFuture");

    [Fact]
    public void Switch_expression_arm_whose_when_clause_awaits() => Verify("""
            [PollAsync]
            public static async Future<string> Name(int number, Func<int, Task<bool>> isKnown) => number switch
            {
                0 => "zero",
                var n when await isKnown(n) => "known " + n,
                _ => "many",
            };
        """, "NameFuture");

    [Fact]
    public void Lambda_with_a_ref_parameter_capturing_a_loop_variable_gets_a_declared_delegate_type() => Verify("""
            [PollAsync]
            public static async Future<int> Total(int[] items)
            {
                var total = 0;
                foreach (var item in items)
                {
                    await Task.Yield();
                    var addTo = (ref int x) => x += item;
                    addTo(ref total);
                }
                return total;
            }
        """, "TotalFuture");

    [Fact]
    public void Switch_expression_on_an_awaited_value() => Verify("""
            [PollAsync]
            public static async Future<string> Name(Task<int> number) => await number switch
            {
                1 => "one",
                _ => "many",
            };
        """, "NameFuture");

    [Fact]
    public void Try_catch_with_await_in_try() => Verify("""
            [PollAsync]
            public static async Future<string> Guarded(Task<string> work)
            {
                try
                {
                    return await work;
                }
                catch (InvalidOperationException e) when (e.Message.Length > 0)
                {
                    return e.Message;
                }
            }
        """, "GuardedFuture");

    [Fact]
    public void Await_in_catch_block_and_rethrow() => Verify("""
            [PollAsync]
            public static async Future Retry(List<string> log)
            {
                try
                {
                    await Time.Sleep(TimeSpan.Zero);
                }
                catch (Exception e)
                {
                    await Task.Yield();
                    log.Add(e.Message);
                    throw;
                }
            }
        """, "RetryFuture");

    [Fact]
    public void Try_finally_runs_finally_from_Poll_and_Dispose() => Verify("""
            [PollAsync]
            public static async Future<int> Cleanup(List<string> log)
            {
                try
                {
                    await Time.Sleep(TimeSpan.Zero);
                    return 1;
                }
                finally
                {
                    log.Add("finally");
                }
            }
        """, "CleanupFuture");

    [Fact]
    public void Await_in_finally_block() => Verify("""
            [PollAsync]
            public static async Future Flush(List<string> log)
            {
                try
                {
                    log.Add("work");
                    await Task.Yield();
                }
                finally
                {
                    await Time.Sleep(TimeSpan.Zero);
                    log.Add("flushed");
                }
            }
        """, "FlushFuture");

    [Fact]
    public void Await_in_finally_block_inside_try_catch() => Verify("""
            [PollAsync]
            public static async Future<int> Close(List<string> log)
            {
                try
                {
                    try
                    {
                        await Task.Yield();
                    }
                    finally
                    {
                        await Time.Sleep(TimeSpan.Zero);
                        log.Add("closed");
                    }
                }
                catch (InvalidOperationException error) when (error.Message != "")
                {
                    log.Add("caught");
                }
                return 1;
            }
        """, "CloseFuture");

    [Fact]
    public void Using_statement_and_using_declaration() => Verify("""
            [PollAsync]
            public static async Future<int> Read(Func<IDisposable> open)
            {
                using (var first = open())
                {
                    await Task.Yield();
                }
                using var second = open();
                await Time.Sleep(TimeSpan.Zero);
                return 2;
            }
        """, "ReadFuture");

    [Fact]
    public void Spilling_keeps_left_to_right_order() => Verify("""
            [PollAsync]
            public static async Future<string> Order(Func<string> a, Task<int> b, Func<string> c) => Join(a(), await b, c());

            private static string Join(string a, int b, string c) => a + b + c;
        """, "OrderFuture");

    [Fact]
    public void Compound_assignment_reads_before_the_await() => Verify("""
            [PollAsync]
            public static async Future<int> Accumulate(Task<int> next)
            {
                var x = 1;
                x += await next;
                return x;
            }
        """, "AccumulateFuture");

    [Fact]
    public void Conditional_and_short_circuit_operators() => Verify("""
            [PollAsync]
            public static async Future<string> Logic(bool flag, Task<bool> check, Task<string> text)
            {
                var both = flag && await check;
                var chosen = flag ? await text : "none";
                return both + chosen;
            }
        """, "LogicFuture");

    [Fact]
    public void Object_and_collection_initializers() => Verify("""
            public sealed class Options { public int Size { get; set; } public List<string> Names { get; } = new(); }

            [PollAsync]
            public static async Future<Options> Build(Task<int> size)
            {
                return new Options { Size = await size, Names = { "a", "b" } };
            }
        """, "BuildFuture");

    [Fact]
    public void String_interpolation_with_await() => Verify("""
            [PollAsync]
            public static async Future<string> Greet(string name, Task<int> age) => $"{name} is {await age,3} years old";
        """, "GreetFuture");

    [Fact]
    public void Generic_method() => Verify("""
            [PollAsync]
            public static async Future<T> Echo<T>(T value) where T : notnull
            {
                await Time.Sleep(TimeSpan.Zero);
                return value;
            }
        """, "EchoFuture");

    [Fact]
    public void Instance_method_of_a_class() => Verify("""
            private int _count;

            [PollAsync]
            public async Future<int> Next()
            {
                await Time.Sleep(TimeSpan.Zero);
                _count++;
                return this._count;
            }
        """, "NextFuture", "sealed partial class");

    [Fact]
    public void Instance_method_of_a_struct_works_on_a_copy() => Verify("""
            private int _value;

            [PollAsync]
            public async Future<int> Bump()
            {
                _value++;
                await Time.Sleep(TimeSpan.Zero);
                return _value;
            }
        """, "BumpFuture", "partial struct");

    [Fact]
    public void Lambda_capturing_a_hoisted_local_uses_a_closure() => Verify("""
            [PollAsync]
            public static async Future<int> Scale(int factor, int[] values)
            {
                var offset = await Task.FromResult(1);
                Func<int, int> scale = v => v * factor + offset;
                await Task.Yield();
                return System.Linq.Enumerable.Sum(values, scale);
            }
        """, "ScaleFuture");

    [Fact]
    public void Recursive_call_is_boxed_not_embedded() => Verify("""
            [PollAsync]
            public static async Future<int> Depth(int n)
            {
                if (n == 0) return 0;
                await Time.Sleep(TimeSpan.Zero);
                return 1 + await Depth(n - 1);
            }
        """, "DepthFuture");

    [Fact]
    public void Await_using_and_return_through_an_awaiting_finally() => Verify("""
            [PollAsync]
            public static async Future<int> Use(Func<IAsyncDisposable> open, Task<int> value)
            {
                await using var resource = open();
                var v = await value;
                if (v > 0) return v;
                return 0;
            }
        """, "UseFuture");

    [Fact]
    public void Await_foreach_with_break() => Verify("""
            [PollAsync]
            public static async Future<int> First(IAsyncEnumerable<int> items)
            {
                var found = -1;
                await foreach (var item in items)
                {
                    if (item > 2)
                    {
                        found = item;
                        break;
                    }
                }
                return found;
            }
        """, "FirstFuture");

    [Fact]
    public void Pattern_variables_used_after_an_await_are_stored_by_their_condition() => Verify("""
            [PollAsync]
            public static async Future<string> Describe(object value)
            {
                if (value is string { Length: > 0 } text)
                {
                    await Task.Yield();
                    return "text " + text;
                }
                if (value is not int number) return "other";
                await Task.Yield();
                switch (number)
                {
                    case > 100 and var big when big % 2 == 0:
                        await Task.Yield();
                        return "big even " + big;
                    default:
                        return "number " + number;
                }
            }
        """, "DescribeFuture");

    [Fact]
    public void Exception_filter_stays_on_the_catch_clause() => Verify("""
            [PollAsync]
            public static async Future<int> Retry(Func<Task<int>> attempt)
            {
                for (var tries = 1; ; tries++)
                {
                    try
                    {
                        return await attempt();
                    }
                    catch (InvalidOperationException e) when (tries < 3 && e.Message != "fatal")
                    {
                        await Task.Delay(10);
                    }
                }
            }
        """, "RetryFuture");

    [Fact]
    public void Catch_variable_captured_in_an_awaiting_loop_has_a_closure_per_exception() => Verify("""
            [PollAsync]
            public static async Future<string> Collect(Func<int, Task> attempt)
            {
                var readers = new List<Func<string>>();
                for (var i = 0; i < 3; i++)
                {
                    try
                    {
                        await attempt(i);
                    }
                    catch (InvalidOperationException e) when (e.Message != "fatal")
                    {
                        await Task.Yield();
                        readers.Add(() => e.Message);
                    }
                    catch (Exception other)
                    {
                        await Task.Yield();
                        readers.Add(() => other.GetType().Name);
                    }
                }
                return string.Join(" ", readers.ConvertAll(r => r()));
            }
        """, "CollectFuture");

    [Fact]
    public void Foreach_deconstruction_with_await_in_the_body() => Verify("""
            [PollAsync]
            public static async Future<int> Total(Dictionary<string, int> prices)
            {
                var total = 0;
                foreach (var (item, price) in prices)
                {
                    await Task.Yield();
                    total += item.Length * price;
                }
                return total;
            }
        """, "TotalFuture");

    [Fact]
    public void Lambda_capturing_a_loop_local_gets_a_closure_per_iteration() => Verify("""
            [PollAsync]
            public static async Future<int> Sum(List<Func<int>> readers)
            {
                for (var i = 0; i < 3; i++)
                {
                    var square = i * i;
                    await Task.Yield();
                    readers.Add(() => square);
                }
                return readers.Count;
            }
        """, "SumFuture");

    [Fact]
    public void Local_function_capturing_a_loop_local_receives_the_iteration_closure() => Verify("""
            [PollAsync]
            public static async Future<int> Sum(List<Func<int>> readers)
            {
                foreach (var step in new[] { 1, 2 })
                {
                    var square = step * step;
                    await Task.Yield();
                    int Read() => square + step;
                    readers.Add(Read);
                    readers.Add(() => Read() + 1);
                    square += Read();
                }
                return readers.Count;
            }
        """, "SumFuture");

    [Fact]
    public void Await_inside_checked_and_unchecked_blocks_keeps_each_operation_in_its_context() => Verify("""
            [PollAsync]
            public static async Future<int> Total(int[] prices, int count)
            {
                int total = 0;
                checked
                {
                    total += prices[0] * count;
                    var extra = await Task.FromResult(count);
                    total += extra * await Task.FromResult(prices[1]);
                    for (int i = 0; i < count; i++) total++;
                    unchecked
                    {
                        total = total * 31 + await Task.FromResult(-count);
                    }
                    Func<int, int> twice = x => x * 2;
                    return twice(total) + (short)total;
                }
            }
        """, "TotalFuture");

    [Fact]
    public void Await_in_a_query_join_collection()
    {
        var source = Prelude.Replace("using System.Threading.Tasks;", "using System.Linq;\nusing System.Threading.Tasks;") + """
            public static partial class Sample
            {
            [PollAsync]
            public static async Future<string> Paid(List<(int Id, string Name)> customers, Task<List<(int Customer, decimal Total)>> orders)
            {
                var lines = from c in customers
                            join o in await orders on c.Id equals o.Customer
                            where o.Total > 0
                            select c.Name + " " + o.Total;
                return string.Join(", ", lines);
            }
            }
            """;
        var run = GeneratorHarness.Run(source, "Sample.cs").AssertCompiles();
        Assert.Empty(run.GeneratorDiagnostics);
        Snapshot.Verify(run.Source(".PaidFuture.g.cs"), nameof(SnapshotTests));
    }

    [Fact]
    public void Query_cut_before_awaited_joins_after_where_and_in_a_continuation()
    {
        var source = Prelude.Replace("using System.Threading.Tasks;", "using System.Linq;\nusing System.Threading.Tasks;") + """
            public static partial class Sample
            {
            [PollAsync]
            public static async Future<string> Report(List<(int Id, string Name)> customers, Task<List<(int Customer, decimal Total)>> orders, Task<string[]> vips)
            {
                var lines = from c in customers
                            where c.Id > 0
                            join o in await orders on c.Id equals o.Customer
                            group o.Total by c.Name into totals
                            join v in await vips on totals.Key equals v
                            select v + " " + totals.Sum();
                return string.Join(", ", lines);
            }
            }
            """;
        var run = GeneratorHarness.Run(source, "Sample.cs").AssertCompiles();
        Assert.Empty(run.GeneratorDiagnostics);
        Snapshot.Verify(run.Source(".ReportFuture.g.cs"), nameof(SnapshotTests), nameof(Query_cut_before_awaited_joins_after_where_and_in_a_continuation));
    }

    [Fact]
    public void Unsupported_body_wraps_the_fallback()
    {
        var source = Prelude + """
            public static partial class Sample
            {
                [PollAsync]
                public static async Future<int> Locked(object gate)
                {
                    var add = (double x = double.NaN) => x;
                    await Task.Yield();
                    return (int)add() + await Task.FromResult(1);
                }
            }
            """;
        var run = GeneratorHarness.Run(source, "Sample.cs").AssertCompiles();
        var warning = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("AG0005", warning.Id);
        Assert.Contains("a lambda whose delegate type C# synthesizes", warning.GetMessage(), StringComparison.Ordinal);
        Snapshot.Verify(run.Source(".LockedFuture.g.cs"), nameof(SnapshotTests));
    }

    [Fact]
    public void Anonymous_values_kept_across_awaits_are_read_through_their_shape()
    {
        var source = Prelude + """
            using System.Linq;

            public static partial class Sample
            {
                [PollAsync]
                public static async Future<string> Report(List<string> words)
                {
                    var summary = new { First = words[0], Count = words.Count };
                    var rows = words.Select(w => new { Word = w, Length = w.Length }).ToList();
                    var pair = (Rank: 1, Best: rows[0]);
                    await Task.Yield();
                    pair.Rank += summary.Count;
                    return summary.First + pair.Best.Word + rows.Count + pair.Rank;
                }
            }
            """;
        var run = GeneratorHarness.Run(source, "Sample.cs").AssertCompiles();
        Assert.Empty(run.GeneratorDiagnostics);
        Snapshot.Verify(run.Source(".ReportFuture.g.cs"), nameof(SnapshotTests));
    }

    [Fact]
    public void Query_cut_after_a_let_stores_the_transparent_identifiers_of_its_call()
    {
        var source = Prelude.Replace("using System.Threading.Tasks;", "using System.Linq;\nusing System.Threading.Tasks;") + """
            public static partial class Sample
            {
                [PollAsync]
                public static async Future<string> Totals(List<int> ids, Task<int[]> orders)
                {
                    var rows = from id in ids
                               let twice = id * 2
                               where twice > 2
                               join o in await orders on twice equals o
                               select id + ":" + o;
                    return string.Join(",", rows);
                }
            }
            """;
        var run = GeneratorHarness.Run(source, "Sample.cs").AssertCompiles();
        Assert.Empty(run.GeneratorDiagnostics);
        Snapshot.Verify(run.Source(".TotalsFuture.g.cs"), nameof(SnapshotTests));
    }

    [Fact]
    public void Query_cut_after_two_lets_nests_the_row_as_CSharp_nests_its_transparent_identifiers()
    {
        var source = Prelude.Replace("using System.Threading.Tasks;", "using System.Linq;\nusing System.Threading.Tasks;") + """
            public static partial class Sample
            {
                [PollAsync]
                public static async Future<string> Totals(List<int> ids, Task<int[]> orders)
                {
                    var rows = from id in ids
                               let twice = id * 2
                               where twice > 2
                               let label = "#" + id
                               join o in await orders on twice equals o
                               select label + ":" + o;
                    return string.Join(",", rows);
                }
            }
            """;
        var run = GeneratorHarness.Run(source, "Sample.cs").AssertCompiles();
        Assert.Empty(run.GeneratorDiagnostics);
        Snapshot.Verify(run.Source(".TotalsFuture.g.cs"), nameof(SnapshotTests));
    }
    [Fact]
    public void Base_members_are_reached_through_helpers_of_the_partial_type()
    {
        var source = Prelude + """
            public class Account
            {
                public virtual string Describe(string prefix, int width = 8) => prefix.PadLeft(width);
                public virtual decimal Balance { get; set; }
                public virtual string this[int line] => "line" + line;
            }

            public partial class Savings : Account
            {
                public override string Describe(string prefix, int width = 8) => "savings";
                public override decimal Balance { get => 0; set { } }

                [PollAsync]
                public async Future<string> Statement(int line)
                {
                    var header = base.Describe("balance");
                    base.Balance += await Task.FromResult(1.5m);
                    return header + base[line] + base.Balance;
                }
            }
            """;
        var run = GeneratorHarness.Run(source, "Sample.cs").AssertCompiles();
        Assert.Empty(run.GeneratorDiagnostics);
        Snapshot.Verify(run.Source(".StatementFuture.g.cs"), nameof(SnapshotTests));
    }
}
