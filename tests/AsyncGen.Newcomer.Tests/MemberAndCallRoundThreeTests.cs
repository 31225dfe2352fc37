namespace AsyncGen.Newcomer.Tests;

/// <summary>
/// Third newcomer round: lambdas over <c>using</c> variables of a loop, default interface members of records and
/// record structs, default values and named and <c>params</c> arguments in calls with awaits, overloads chosen by an
/// awaited value's type, collection expressions, interpolation, recursion over a tree, a partial class's state,
/// exception filters with side effects choosing among catches; each program beside the same text as <c>async Task</c>.
/// </summary>
public partial class MemberAndCallRoundThreeTests
{
    public interface IShape
    {
        double Area { get; }
        string Name => GetType().Name;
    }

    public sealed record Square(double Side) : IShape
    {
        public double Area => Side * Side;
    }

    public readonly record struct Circle(double Radius) : IShape
    {
        public double Area => Math.Round(Math.PI * Radius * Radius, 2);
    }

    public static string Describe(string what, int count = 1, string unit = "item", params int[] extra) =>
        $"{what}:{count}{unit}+{string.Join("/", extra)}";

    public static string Pick(object value) => "object " + value;
    public static string Pick(int value) => "int " + value;
    public static string Pick(long value) => "long " + value;
    public static string Pick(string? value) => "string " + value;

    public static int Total(params ReadOnlySpan<int> values)
    {
        var sum = 0;
        foreach (var v in values) sum += v;
        return sum;
    }

    public sealed class Node(string name)
    {
        public string Name => name;
        public List<Node> Children { get; } = new();
    }

    private static bool Log(List<string> log, string line)
    {
        log.Add(line);
        return true;
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
        public static async Future<string> UsingInLoopCaptured(List<string> log)
        {
            var readers = new List<Func<string>>();
            for (var i = 0; i < 3; i++)
            {
                using (var resource = new ControlAndCleanupRoundThreeTests.Resource(log, "r" + i))
                {
                    readers.Add(() => resource.Name);
                    await Later(log, i);
                }
            }
            foreach (var word in new[] { "a", "b" })
            {
                using var scoped = new ControlAndCleanupRoundThreeTests.Resource(log, word);
                readers.Add(() => scoped.Name + word);
                await Later(log, word);
            }
            return string.Join(" ", readers.Select(r => r()));
        }


        [PollAsync]
        public static async Future<string> InterfaceShapes(List<string> log)
        {
            var shapes = new List<IShape> { new Square(await Later(log, 2.0)), new Circle(await Later(log, 1.0)) };
            var parts = new List<string>();
            foreach (var shape in shapes) parts.Add($"{shape.Name}={shape.Area}");
            IShape boxed = new Circle(2);
            var bigger = boxed is Circle c ? c with { Radius = c.Radius + await Later(log, 1.0) } : default;
            parts.Add(((IShape)bigger).Area.ToString());
            return string.Join(" ", parts);
        }


        [PollAsync]
        public static async Future<string> DefaultAndNamedArguments(List<string> log)
        {
            var a = Describe(await Later(log, "a"));
            var b = Describe("b", unit: await Later(log, "kg"));
            var c = Describe(count: await Later(log, 3), what: await Later(log, "c"));
            var d = Describe("d", 2, "m", await Later(log, 7), 8);
            var e = Describe("e", extra: new[] { await Later(log, 9) });
            var f = Total(1, await Later(log, 2), 3);
            var g = Total([.. new[] { 4, 5 }, await Later(log, 6)]);
            return $"{a} {b} {c} {d} {e} {f} {g}";
        }


        [PollAsync]
        public static async Future<string> Overloads(List<string> log)
        {
            var parts = new List<string>
            {
                Pick(await Later(log, 1)),
                Pick(await Later(log, 2L)),
                Pick(await Later<string?>(log, "three")),
                Pick(await Later<object>(log, 4)),
                Pick(await Later(log, (short)5)),
                Pick(await Later<string?>(log, null)),
                Pick(await Later(log, 6.5)),
            };
            return string.Join(" | ", parts);
        }


        [PollAsync]
        public static async Future<string> CollectionExpressions(List<string> log)
        {
            int[] head = [1, 2];
            List<int> list = [.. head, await Later(log, 3), .. await Later(log, new[] { 4, 5 })];
            int[] empty = [];
            HashSet<string> set = ["a", await Later(log, "b"), "a"];
            IEnumerable<int> lazy = [.. list.Where(n => n % 2 == 1), await Later(log, 7)];
            ReadOnlySpan<int> span = [1, 2, 3];
            var spanTotal = span.Length;
            Dictionary<string, int> map = new() { ["x"] = await Later(log, 1) };
            return $"{string.Join(",", list)} {empty.Length} {set.Count} {string.Join(",", lazy)} {spanTotal} {map["x"]}";
        }


        [PollAsync]
        public static async Future<string> Interpolation(List<string> log)
        {
            var price = 12.5m;
            var text = $"[{await Later(log, "item"),-6}|{price + await Later(log, 1m),8:F2}|{await Later(log, 255):X4}]";
            var nested = $"{$"{await Later(log, 1)}-{await Later(log, 2)}"}";
            var builder = new System.Text.StringBuilder();
            builder.Append($"n={await Later(log, 3)}");
            builder.AppendLine().Append($"{DateTime.UnixEpoch:yyyy}");
            FormattableString formattable = $"{await Later(log, 4)} of {5}";
            var raw = $$"""{"count": {{await Later(log, 6)}}}""";
            return $"{text} {nested} {builder.ToString().Replace(Environment.NewLine, "/")} {formattable.ArgumentCount} {FormattableString.Invariant(formattable)} {raw}";
        }


        [PollAsync]
        public static async Future<string> TreeRecursion(List<string> log)
        {
            var root = new Node("root");
            var left = new Node("left");
            left.Children.Add(new Node("leaf"));
            root.Children.Add(left);
            root.Children.Add(new Node("right"));
            var order = new List<string>();
            var count = await Visit(root, 0, order, log);
            return $"{count} {string.Join(",", order)}";
        }

        [PollAsync]
        public static async Future<int> Visit(Node node, int depth, List<string> order, List<string> log)
        {
            order.Add(new string('-', depth) + node.Name);
            var count = 1;
            foreach (var child in node.Children)
            {
                await Later(log, child.Name);
                count += await Visit(child, depth + 1, order, log);
            }
            return count;
        }


        [PollAsync]
        public static async Future<string> PartialClassState(List<string> log)
        {
            var counter = new SplitCounter();
            SplitCounter.Created = 0;
            var a = await counter.Step(log, 2);
            var b = await counter.Step(log, await Later(log, 3));
            var other = new SplitCounter();
            var c = await other.Step(log, 1);
            return $"{a} {b} {c} {counter.Value} {SplitCounter.Created}";
        }


        [PollAsync]
        public static async Future<string> FilterChoice(List<string> log)
        {
            var handled = new List<string>();
            foreach (var code in new[] { 404, 500, 418 })
            {
                try
                {
                    await Later(log, code);
                    throw new HttpRequestException("status " + code, null, (System.Net.HttpStatusCode)code);
                }
                catch (HttpRequestException e) when (Log(log, "is 404? " + code) && e.StatusCode == System.Net.HttpStatusCode.NotFound)
                {
                    handled.Add("missing");
                }
                catch (HttpRequestException e) when (Log(log, "is 5xx? " + code) && (int?)e.StatusCode >= 500)
                {
                    handled.Add("server " + await Later(log, code));
                }
                catch (Exception e) when (Log(log, "other " + e.Message))
                {
                    handled.Add("other");
                }
                finally
                {
                    log.Add("finally " + code);
                }
            }
            return string.Join(" ", handled);
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


        public static async Task<string> UsingInLoopCaptured(List<string> log)
        {
            var readers = new List<Func<string>>();
            for (var i = 0; i < 3; i++)
            {
                using (var resource = new ControlAndCleanupRoundThreeTests.Resource(log, "r" + i))
                {
                    readers.Add(() => resource.Name);
                    await Later(log, i);
                }
            }
            foreach (var word in new[] { "a", "b" })
            {
                using var scoped = new ControlAndCleanupRoundThreeTests.Resource(log, word);
                readers.Add(() => scoped.Name + word);
                await Later(log, word);
            }
            return string.Join(" ", readers.Select(r => r()));
        }


        public static async Task<string> InterfaceShapes(List<string> log)
        {
            var shapes = new List<IShape> { new Square(await Later(log, 2.0)), new Circle(await Later(log, 1.0)) };
            var parts = new List<string>();
            foreach (var shape in shapes) parts.Add($"{shape.Name}={shape.Area}");
            IShape boxed = new Circle(2);
            var bigger = boxed is Circle c ? c with { Radius = c.Radius + await Later(log, 1.0) } : default;
            parts.Add(((IShape)bigger).Area.ToString());
            return string.Join(" ", parts);
        }


        public static async Task<string> DefaultAndNamedArguments(List<string> log)
        {
            var a = Describe(await Later(log, "a"));
            var b = Describe("b", unit: await Later(log, "kg"));
            var c = Describe(count: await Later(log, 3), what: await Later(log, "c"));
            var d = Describe("d", 2, "m", await Later(log, 7), 8);
            var e = Describe("e", extra: new[] { await Later(log, 9) });
            var f = Total(1, await Later(log, 2), 3);
            var g = Total([.. new[] { 4, 5 }, await Later(log, 6)]);
            return $"{a} {b} {c} {d} {e} {f} {g}";
        }


        public static async Task<string> Overloads(List<string> log)
        {
            var parts = new List<string>
            {
                Pick(await Later(log, 1)),
                Pick(await Later(log, 2L)),
                Pick(await Later<string?>(log, "three")),
                Pick(await Later<object>(log, 4)),
                Pick(await Later(log, (short)5)),
                Pick(await Later<string?>(log, null)),
                Pick(await Later(log, 6.5)),
            };
            return string.Join(" | ", parts);
        }


        public static async Task<string> CollectionExpressions(List<string> log)
        {
            int[] head = [1, 2];
            List<int> list = [.. head, await Later(log, 3), .. await Later(log, new[] { 4, 5 })];
            int[] empty = [];
            HashSet<string> set = ["a", await Later(log, "b"), "a"];
            IEnumerable<int> lazy = [.. list.Where(n => n % 2 == 1), await Later(log, 7)];
            ReadOnlySpan<int> span = [1, 2, 3];
            var spanTotal = span.Length;
            Dictionary<string, int> map = new() { ["x"] = await Later(log, 1) };
            return $"{string.Join(",", list)} {empty.Length} {set.Count} {string.Join(",", lazy)} {spanTotal} {map["x"]}";
        }


        public static async Task<string> Interpolation(List<string> log)
        {
            var price = 12.5m;
            var text = $"[{await Later(log, "item"),-6}|{price + await Later(log, 1m),8:F2}|{await Later(log, 255):X4}]";
            var nested = $"{$"{await Later(log, 1)}-{await Later(log, 2)}"}";
            var builder = new System.Text.StringBuilder();
            builder.Append($"n={await Later(log, 3)}");
            builder.AppendLine().Append($"{DateTime.UnixEpoch:yyyy}");
            FormattableString formattable = $"{await Later(log, 4)} of {5}";
            var raw = $$"""{"count": {{await Later(log, 6)}}}""";
            return $"{text} {nested} {builder.ToString().Replace(Environment.NewLine, "/")} {formattable.ArgumentCount} {FormattableString.Invariant(formattable)} {raw}";
        }


        public static async Task<string> TreeRecursion(List<string> log)
        {
            var root = new Node("root");
            var left = new Node("left");
            left.Children.Add(new Node("leaf"));
            root.Children.Add(left);
            root.Children.Add(new Node("right"));
            var order = new List<string>();
            var count = await Visit(root, 0, order, log);
            return $"{count} {string.Join(",", order)}";
        }

        public static async Task<int> Visit(Node node, int depth, List<string> order, List<string> log)
        {
            order.Add(new string('-', depth) + node.Name);
            var count = 1;
            foreach (var child in node.Children)
            {
                await Later(log, child.Name);
                count += await Visit(child, depth + 1, order, log);
            }
            return count;
        }


        public static async Task<string> PartialClassState(List<string> log)
        {
            var counter = new SplitCounter();
            SplitCounter.Created = 0;
            var a = await counter.StepTask(log, 2);
            var b = await counter.StepTask(log, await Later(log, 3));
            var other = new SplitCounter();
            var c = await other.StepTask(log, 1);
            return $"{a} {b} {c} {counter.Value} {SplitCounter.Created}";
        }


        public static async Task<string> FilterChoice(List<string> log)
        {
            var handled = new List<string>();
            foreach (var code in new[] { 404, 500, 418 })
            {
                try
                {
                    await Later(log, code);
                    throw new HttpRequestException("status " + code, null, (System.Net.HttpStatusCode)code);
                }
                catch (HttpRequestException e) when (Log(log, "is 404? " + code) && e.StatusCode == System.Net.HttpStatusCode.NotFound)
                {
                    handled.Add("missing");
                }
                catch (HttpRequestException e) when (Log(log, "is 5xx? " + code) && (int?)e.StatusCode >= 500)
                {
                    handled.Add("server " + await Later(log, code));
                }
                catch (Exception e) when (Log(log, "other " + e.Message))
                {
                    handled.Add("other");
                }
                finally
                {
                    log.Add("finally " + code);
                }
            }
            return string.Join(" ", handled);
        }
    }

    [Fact]
    public Task Lambdas_capturing_a_using_variable_inside_a_loop_that_awaits_match_async_Task() =>
        SameAsTask.Same(log => F.UsingInLoopCaptured(log), log => T.UsingInLoopCaptured(log));

    [Fact]
    public Task Default_interface_members_records_and_record_structs_through_an_interface_match_async_Task() =>
        SameAsTask.Same(log => F.InterfaceShapes(log), log => T.InterfaceShapes(log));

    [Fact]
    public Task Default_values_named_and_params_arguments_with_awaits_in_calls_match_async_Task() =>
        SameAsTask.Same(log => F.DefaultAndNamedArguments(log), log => T.DefaultAndNamedArguments(log));

    [Fact]
    public Task Overloads_chosen_by_the_type_of_an_awaited_value_match_async_Task() =>
        SameAsTask.Same(log => F.Overloads(log), log => T.Overloads(log));

    [Fact]
    public Task Collection_expressions_with_spreads_and_awaited_elements_match_async_Task() =>
        SameAsTask.Same(log => F.CollectionExpressions(log), log => T.CollectionExpressions(log));

    [Fact]
    public Task String_interpolation_with_formats_alignment_and_nested_awaits_matches_async_Task() =>
        SameAsTask.Same(log => F.Interpolation(log), log => T.Interpolation(log));

    [Fact]
    public Task Recursion_over_a_tree_with_awaits_between_children_matches_async_Task() =>
        SameAsTask.Same(log => F.TreeRecursion(log), log => T.TreeRecursion(log));

    [Fact]
    public Task Static_and_instance_counters_of_a_partial_class_changed_across_awaits_match_async_Task() =>
        SameAsTask.Same(log => F.PartialClassState(log), log => T.PartialClassState(log));

    [Fact]
    public Task Exception_filters_with_side_effects_choose_among_several_catches_as_in_async_Task() =>
        SameAsTask.Same(log => F.FilterChoice(log), log => T.FilterChoice(log));
}
