namespace AsyncGen.Newcomer.Tests;

/// <summary>
/// Fourth newcomer round: futures as values (kept in locals and collections, joined, spawned from a body), generic
/// methods with constraints, struct, record and class receivers whose methods await, lambdas capturing this, static
/// local functions, async Task lambdas, interpolations, checked arithmetic, switch expressions, nullable value types
/// and deconstructions around awaits — each program beside the same text as <c>async Task</c>.
/// </summary>
public partial class FutureValueRoundFourTests
{
    public interface IShape
    {
        string Name { get; }

        int Area();
    }

    public sealed class Square : IShape
    {
        public int Side { get; set; } = 2;

        public string Name => "square";

        public int Area() => Side * Side;
    }

    /// <summary>A struct whose [PollAsync] method changes its fields across awaits: C# runs it on a copy of the receiver.</summary>
    public partial struct Tally
    {
        public int Count;

        [PollAsync]
        public async Future<string> Bump(List<string> log, int times)
        {
            for (var i = 0; i < times; i++)
            {
                Count++;
                await Future.Yield();
                log.Add("count " + Count);
            }
            return "bumped to " + Count;
        }
    }

    /// <summary>The same struct as the T world writes it.</summary>
    public struct TaskTally
    {
        public int Count;

        public async Task<string> Bump(List<string> log, int times)
        {
            for (var i = 0; i < times; i++)
            {
                Count++;
                await Task.Yield();
                log.Add("count " + Count);
            }
            return "bumped to " + Count;
        }
    }

    /// <summary>A record whose [PollAsync] method reads its properties, copies itself with 'with' and captures 'this' after awaits.</summary>
    public sealed partial record Order(string Id, int Quantity)
    {
        public string Note { get; set; } = "";

        [PollAsync]
        public async Future<string> Ship(List<string> log)
        {
            await Future.Yield();
            var bigger = this with { Quantity = Quantity * 2 };
            Func<string> describe = () => Id + ":" + Quantity + ":" + Note;
            Note = "shipped";
            await Future.Yield();
            log.Add(describe());
            return bigger + " " + (bigger == this) + " " + describe();
        }
    }

    public sealed record TaskOrder(string Id, int Quantity)
    {
        public string Note { get; set; } = "";

        public async Task<string> Ship(List<string> log)
        {
            await Task.Yield();
            var bigger = this with { Quantity = Quantity * 2 };
            Func<string> describe = () => Id + ":" + Quantity + ":" + Note;
            Note = "shipped";
            await Task.Yield();
            log.Add(describe());
            return bigger.ToString().Replace("TaskOrder", "Order") + " " + (bigger == this) + " " + describe();
        }
    }

    /// <summary>A class whose [PollAsync] method captures 'this' in lambdas after awaits and changes its fields.</summary>
    public sealed partial class Greeter(string prefix)
    {
        private string _prefix = prefix;
        private int _calls;

        public string Name { get; set; } = "greeter";

        [PollAsync]
        public async Future<string> Greet(List<string> log, string who)
        {
            _calls++;
            await Future.Yield();
            Func<string, string> greet = n => _prefix + " " + n + " from " + Name + " #" + _calls;
            var early = greet(who);
            _prefix = "bye";
            Name = await Later(log, "renamed");
            log.Add(early);
            return greet(who);
        }

        [PollAsync]
        private static async Future<string> Later(List<string> log, string value)
        {
            log.Add("later " + value);
            await Future.Yield();
            return value;
        }
    }

    public sealed class TaskGreeter(string prefix)
    {
        private string _prefix = prefix;
        private int _calls;

        public string Name { get; set; } = "greeter";

        public async Task<string> Greet(List<string> log, string who)
        {
            _calls++;
            await Task.Yield();
            Func<string, string> greet = n => _prefix + " " + n + " from " + Name + " #" + _calls;
            var early = greet(who);
            _prefix = "bye";
            Name = await Later(log, "renamed");
            log.Add(early);
            return greet(who);
        }

        private static async Task<string> Later(List<string> log, string value)
        {
            log.Add("later " + value);
            await Task.Yield();
            return value;
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

        /// <summary>No log: a future's body runs when it is first polled, a Task's when it is called.</summary>
        [PollAsync]
        public static async Future<T> Quiet<T>(T value)
        {
            await Future.Yield();
            return value;
        }

        public static JoinFuture<T1, T2> Both<T1, T2>(Future<T1> first, Future<T2> second) => Future.Join(first, second);

        public static JoinHandle<int> Start(Future<int> future) => Executor.Spawn(future);

        public static Tally NewTally() => new Tally();

        public static Order NewOrder(string id, int quantity) => new Order(id, quantity);

        public static Greeter NewGreeter(string prefix) => new Greeter(prefix);

        [PollAsync]
        public static async Future<string> FuturesKeptAndAwaitedLater(List<string> log)
        {
            var first = Quiet(1);
            var second = Quiet(2);
            var pending = new List<Future<int>> { Quiet(3), Quiet(4) };
            var byName = new Dictionary<string, Future<string>> { ["x"] = Quiet("ex"), ["y"] = Quiet("why") };
            var b = await second;
            var a = await first;
            var sum = 0;
            for (var i = pending.Count - 1; i >= 0; i--)
                sum += await pending[i] * (i + 1);
            log.Add("sum " + sum);
            return $"{a}{b} {sum} {await byName["y"]}{await byName["x"]}";
        }

        [PollAsync]
        public static async Future<string> JoinedAndSpawned(List<string> log)
        {
            var (number, text) = await Both(Quiet(6), Quiet("six"));
            log.Add(text + number);
            var handles = new List<Future<int>>();
            var started = Enumerable.Range(1, 4).Select(i => Start(Quiet(i * i))).ToList();
            var total = 0;
            for (var i = started.Count - 1; i >= 0; i--)
                total = total * 10 + await started[i];
            var pair = await Both(Later(log, "left"), Quiet(total));
            return $"{number} {text} {total} {pair.Item1}{pair.Item2} {handles.Count}";
        }

        [PollAsync]
        public static async Future<T> MaxOf<T>(List<string> log, T a, T b) where T : IComparable<T>
        {
            var left = await Later(log, a);
            return left.CompareTo(await Later(log, b)) >= 0 ? left : b;
        }

        [PollAsync]
        public static async Future<string> Describe<TShape>(List<string> log, TShape shape) where TShape : class, IShape, new()
        {
            var fresh = new TShape();
            var area = await Later(log, shape.Area());
            return $"{shape.Name} {area} {fresh.Area()} {ReferenceEquals(fresh, shape)}";
        }

        [PollAsync]
        public static async Future<T?> FirstAbove<T>(List<string> log, IEnumerable<T> items, T limit) where T : struct, IComparable<T>
        {
            T? found = default;
            foreach (var item in items)
            {
                if (await Later(log, item) is var seen && seen.CompareTo(limit) > 0)
                {
                    found ??= seen;
                }
            }
            return found;
        }

        [PollAsync]
        public static async Future<string> ConstrainedGenerics(List<string> log)
        {
            var max = await MaxOf(log, "pear", "apple");
            var number = await MaxOf(log, 3, 8);
            var shape = await Describe(log, new Square { Side = 3 });
            var above = await FirstAbove(log, new[] { 1, 5, 2, 9 }, 4);
            var none = await FirstAbove(log, new[] { 1.5 }, 4.0);
            return $"{max} {number} {shape} {above} {none is null}";
        }

        [PollAsync]
        public static async Future<string> StructReceiverCopy(List<string> log)
        {
            var tally = NewTally();
            tally.Count = 10;
            var result = await tally.Bump(log, 3);
            var array = new[] { NewTally() };
            var second = await array[0].Bump(log, 2);
            return $"{result} {tally.Count} {second} {array[0].Count}";
        }

        [PollAsync]
        public static async Future<string> RecordReceiver(List<string> log)
        {
            var order = NewOrder("o1", 3);
            var text = await order.Ship(log);
            return text + " " + order.Note;
        }

        [PollAsync]
        public static async Future<string> ThisCapturedAfterAwait(List<string> log)
        {
            var greeter = NewGreeter("hello");
            var first = await greeter.Greet(log, "ann");
            var second = await greeter.Greet(log, "bob");
            return first + " | " + second + " | " + greeter.Name;
        }

        [PollAsync]
        public static async Future<string> StaticLocalFunctions(List<string> log)
        {
            static int Twice(int x) => x * 2;
            static string Pair(string a, string b) => a + "+" + b;
            var offset = 100;
            int Shifted(int x) => x + offset;
            var total = Twice(await Later(log, 4)) + Shifted(await Later(log, 1));
            offset = await Later(log, 1000);
            var text = Pair(await Later(log, "a"), Pair("b", await Later(log, "c")));
            return $"{total} {Shifted(1)} {text} {Twice(Twice(await Later(log, 3)))}";
        }

        [PollAsync]
        public static async Future<string> AsyncLambdasInBody(List<string> log)
        {
            var factor = await Later(log, 3);
            Func<int, Task<int>> scale = async x =>
            {
                await Task.Yield();
                return x * factor;
            };
            var scaled = await Task.WhenAll(new[] { 1, 2, 3 }.Select(scale));
            var counter = 0;
            Func<Task> bump = async () =>
            {
                counter++;
                await Task.Yield();
                counter += 10;
            };
            await bump();
            await bump();
            factor = 5;
            return $"{string.Join(",", scaled)} {counter} {await scale(2)}";
        }

        [PollAsync]
        public static async Future<string> InterpolationAndFormat(List<string> log)
        {
            var formatted = string.Format(System.Globalization.CultureInfo.InvariantCulture, "{0}-{1,4}-{2:X}", await Later(log, "a"), await Later(log, 7), await Later(log, 255));
            var raw = $"""
                <{await Later(log, "raw")}> {await Later(log, 3.5),6:F2}
                """;
            FormattableString deferred = $"{await Later(log, 1)} and {await Later(log, "two")}";
            var concat = string.Concat(await Later(log, "x"), "-", await Later(log, "y"));
            var joined = string.Join("/", await Later(log, "p"), $"{await Later(log, 9):D3}");
            return $"{formatted}|{raw}|{deferred.ArgumentCount}:{deferred.Format}:{deferred}|{concat}|{joined}";
        }

        [PollAsync]
        public static async Future<string> CheckedArithmetic(List<string> log)
        {
            var text = "";
            try
            {
                text += checked(int.MaxValue - 1 + await Later(log, 1)) + ";";
                text += checked(int.MaxValue - 1 + await Later(log, 2)) + ";";
            }
            catch (OverflowException)
            {
                text += "overflow;";
            }
            var total = 250;
            checked
            {
                try
                {
                    total += await Later(log, 5);
                    var small = (byte)total;
                    text += small + ";";
                    small += (byte)await Later(log, 10);
                    text += small + ";";
                }
                catch (OverflowException)
                {
                    text += "byte overflow at " + total + ";";
                }
            }
            var wrapped = unchecked((byte)(total + await Later(log, 1)));
            return text + wrapped;
        }

        [PollAsync]
        public static async Future<string> SwitchExpressionArmsAwait(List<string> log)
        {
            var text = "";
            foreach (var n in new[] { 0, 1, 7, 3 })
            {
                text += await Later(log, n) switch
                {
                    0 => "zero",
                    1 => await Later(log, "one"),
                    var k when k > 5 => $"big {await Later(log, k * 2)}",
                    _ => n switch { 3 => "three " + await Later(log, "nested"), _ => "other" },
                } + ";";
            }
            var kind = (await Later<object>(log, 4.5)) switch
            {
                int i => "int " + i,
                double d when d > 4 => "double " + await Later(log, d),
                _ => "none",
            };
            return text + kind;
        }

        [PollAsync]
        public static async Future<string> NullableValueTypes(List<string> log)
        {
            int? cached = null;
            cached ??= await Later(log, 3);
            cached ??= await Later(log, 4);
            int? missing = await Later<int?>(log, null);
            var sum = cached + missing;
            var product = cached * await Later<int?>(log, 5);
            var fallback = missing ?? await Later(log, 9);
            var compared = cached > await Later<int?>(log, null);
            DateTime? when = null;
            var year = when?.Year ?? await Later(log, 2026);
            var value = (await Later<int?>(log, null)).GetValueOrDefault(7);
            return $"{cached} {sum is null} {product} {fallback} {compared} {year} {value} {missing.HasValue}";
        }

        [PollAsync]
        public static async Future<string> AwaitedDeconstruction(List<string> log)
        {
            var (name, count) = await Later(log, ("apples", 3));
            var (x, (y, z)) = await Later(log, (1, (2, 3)));
            var (_, only) = await Later(log, ("skip", "kept"));
            var array = new int[2];
            var square = new Square();
            (array[1], square.Side) = await Later(log, (8, 9));
            (x, y) = (y, x);
            (count, z) = (await Later(log, 30), count);
            return $"{name} {count} {x}{y}{z} {only} {array[1]} {square.Side}";
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

        public static async Task<T> Quiet<T>(T value)
        {
            await Task.Yield();
            return value;
        }

        public static async Task<(T1, T2)> Both<T1, T2>(Task<T1> first, Task<T2> second)
        {
            await Task.WhenAll(first, second);
            return (first.Result, second.Result);
        }

        public static Task<int> Start(Task<int> task) => task;

        public static TaskTally NewTally() => new TaskTally();

        public static TaskOrder NewOrder(string id, int quantity) => new TaskOrder(id, quantity);

        public static TaskGreeter NewGreeter(string prefix) => new TaskGreeter(prefix);

        public static async Task<string> FuturesKeptAndAwaitedLater(List<string> log)
        {
            var first = Quiet(1);
            var second = Quiet(2);
            var pending = new List<Task<int>> { Quiet(3), Quiet(4) };
            var byName = new Dictionary<string, Task<string>> { ["x"] = Quiet("ex"), ["y"] = Quiet("why") };
            var b = await second;
            var a = await first;
            var sum = 0;
            for (var i = pending.Count - 1; i >= 0; i--)
                sum += await pending[i] * (i + 1);
            log.Add("sum " + sum);
            return $"{a}{b} {sum} {await byName["y"]}{await byName["x"]}";
        }

        public static async Task<string> JoinedAndSpawned(List<string> log)
        {
            var (number, text) = await Both(Quiet(6), Quiet("six"));
            log.Add(text + number);
            var handles = new List<Task<int>>();
            var started = Enumerable.Range(1, 4).Select(i => Start(Quiet(i * i))).ToList();
            var total = 0;
            for (var i = started.Count - 1; i >= 0; i--)
                total = total * 10 + await started[i];
            var pair = await Both(Later(log, "left"), Quiet(total));
            return $"{number} {text} {total} {pair.Item1}{pair.Item2} {handles.Count}";
        }

        public static async Task<T> MaxOf<T>(List<string> log, T a, T b) where T : IComparable<T>
        {
            var left = await Later(log, a);
            return left.CompareTo(await Later(log, b)) >= 0 ? left : b;
        }

        public static async Task<string> Describe<TShape>(List<string> log, TShape shape) where TShape : class, IShape, new()
        {
            var fresh = new TShape();
            var area = await Later(log, shape.Area());
            return $"{shape.Name} {area} {fresh.Area()} {ReferenceEquals(fresh, shape)}";
        }

        public static async Task<T?> FirstAbove<T>(List<string> log, IEnumerable<T> items, T limit) where T : struct, IComparable<T>
        {
            T? found = default;
            foreach (var item in items)
            {
                if (await Later(log, item) is var seen && seen.CompareTo(limit) > 0)
                {
                    found ??= seen;
                }
            }
            return found;
        }

        public static async Task<string> ConstrainedGenerics(List<string> log)
        {
            var max = await MaxOf(log, "pear", "apple");
            var number = await MaxOf(log, 3, 8);
            var shape = await Describe(log, new Square { Side = 3 });
            var above = await FirstAbove(log, new[] { 1, 5, 2, 9 }, 4);
            var none = await FirstAbove(log, new[] { 1.5 }, 4.0);
            return $"{max} {number} {shape} {above} {none is null}";
        }

        public static async Task<string> StructReceiverCopy(List<string> log)
        {
            var tally = NewTally();
            tally.Count = 10;
            var result = await tally.Bump(log, 3);
            var array = new[] { NewTally() };
            var second = await array[0].Bump(log, 2);
            return $"{result} {tally.Count} {second} {array[0].Count}";
        }

        public static async Task<string> RecordReceiver(List<string> log)
        {
            var order = NewOrder("o1", 3);
            var text = await order.Ship(log);
            return text + " " + order.Note;
        }

        public static async Task<string> ThisCapturedAfterAwait(List<string> log)
        {
            var greeter = NewGreeter("hello");
            var first = await greeter.Greet(log, "ann");
            var second = await greeter.Greet(log, "bob");
            return first + " | " + second + " | " + greeter.Name;
        }

        public static async Task<string> StaticLocalFunctions(List<string> log)
        {
            static int Twice(int x) => x * 2;
            static string Pair(string a, string b) => a + "+" + b;
            var offset = 100;
            int Shifted(int x) => x + offset;
            var total = Twice(await Later(log, 4)) + Shifted(await Later(log, 1));
            offset = await Later(log, 1000);
            var text = Pair(await Later(log, "a"), Pair("b", await Later(log, "c")));
            return $"{total} {Shifted(1)} {text} {Twice(Twice(await Later(log, 3)))}";
        }

        public static async Task<string> AsyncLambdasInBody(List<string> log)
        {
            var factor = await Later(log, 3);
            Func<int, Task<int>> scale = async x =>
            {
                await Task.Yield();
                return x * factor;
            };
            var scaled = await Task.WhenAll(new[] { 1, 2, 3 }.Select(scale));
            var counter = 0;
            Func<Task> bump = async () =>
            {
                counter++;
                await Task.Yield();
                counter += 10;
            };
            await bump();
            await bump();
            factor = 5;
            return $"{string.Join(",", scaled)} {counter} {await scale(2)}";
        }

        public static async Task<string> InterpolationAndFormat(List<string> log)
        {
            var formatted = string.Format(System.Globalization.CultureInfo.InvariantCulture, "{0}-{1,4}-{2:X}", await Later(log, "a"), await Later(log, 7), await Later(log, 255));
            var raw = $"""
                <{await Later(log, "raw")}> {await Later(log, 3.5),6:F2}
                """;
            FormattableString deferred = $"{await Later(log, 1)} and {await Later(log, "two")}";
            var concat = string.Concat(await Later(log, "x"), "-", await Later(log, "y"));
            var joined = string.Join("/", await Later(log, "p"), $"{await Later(log, 9):D3}");
            return $"{formatted}|{raw}|{deferred.ArgumentCount}:{deferred.Format}:{deferred}|{concat}|{joined}";
        }

        public static async Task<string> CheckedArithmetic(List<string> log)
        {
            var text = "";
            try
            {
                text += checked(int.MaxValue - 1 + await Later(log, 1)) + ";";
                text += checked(int.MaxValue - 1 + await Later(log, 2)) + ";";
            }
            catch (OverflowException)
            {
                text += "overflow;";
            }
            var total = 250;
            checked
            {
                try
                {
                    total += await Later(log, 5);
                    var small = (byte)total;
                    text += small + ";";
                    small += (byte)await Later(log, 10);
                    text += small + ";";
                }
                catch (OverflowException)
                {
                    text += "byte overflow at " + total + ";";
                }
            }
            var wrapped = unchecked((byte)(total + await Later(log, 1)));
            return text + wrapped;
        }

        public static async Task<string> SwitchExpressionArmsAwait(List<string> log)
        {
            var text = "";
            foreach (var n in new[] { 0, 1, 7, 3 })
            {
                text += await Later(log, n) switch
                {
                    0 => "zero",
                    1 => await Later(log, "one"),
                    var k when k > 5 => $"big {await Later(log, k * 2)}",
                    _ => n switch { 3 => "three " + await Later(log, "nested"), _ => "other" },
                } + ";";
            }
            var kind = (await Later<object>(log, 4.5)) switch
            {
                int i => "int " + i,
                double d when d > 4 => "double " + await Later(log, d),
                _ => "none",
            };
            return text + kind;
        }

        public static async Task<string> NullableValueTypes(List<string> log)
        {
            int? cached = null;
            cached ??= await Later(log, 3);
            cached ??= await Later(log, 4);
            int? missing = await Later<int?>(log, null);
            var sum = cached + missing;
            var product = cached * await Later<int?>(log, 5);
            var fallback = missing ?? await Later(log, 9);
            var compared = cached > await Later<int?>(log, null);
            DateTime? when = null;
            var year = when?.Year ?? await Later(log, 2026);
            var value = (await Later<int?>(log, null)).GetValueOrDefault(7);
            return $"{cached} {sum is null} {product} {fallback} {compared} {year} {value} {missing.HasValue}";
        }

        public static async Task<string> AwaitedDeconstruction(List<string> log)
        {
            var (name, count) = await Later(log, ("apples", 3));
            var (x, (y, z)) = await Later(log, (1, (2, 3)));
            var (_, only) = await Later(log, ("skip", "kept"));
            var array = new int[2];
            var square = new Square();
            (array[1], square.Side) = await Later(log, (8, 9));
            (x, y) = (y, x);
            (count, z) = (await Later(log, 30), count);
            return $"{name} {count} {x}{y}{z} {only} {array[1]} {square.Side}";
        }
    }

    [Fact]
    public Task Futures_kept_in_locals_a_list_and_a_dictionary_and_awaited_later_match_async_Task() =>
        SameAsTask.Same(log => F.FuturesKeptAndAwaitedLater(log), log => T.FuturesKeptAndAwaitedLater(log));

    [Fact]
    public Task Futures_joined_and_spawned_from_a_body_and_awaited_in_reverse_match_async_Task() =>
        SameAsTask.Same(log => F.JoinedAndSpawned(log), log => T.JoinedAndSpawned(log));

    [Fact]
    public Task Generic_methods_with_class_struct_new_and_interface_constraints_match_async_Task() =>
        SameAsTask.Same(log => F.ConstrainedGenerics(log), log => T.ConstrainedGenerics(log));

    [Fact]
    public Task A_struct_method_that_changes_its_fields_across_awaits_works_on_a_copy_as_in_async_Task() =>
        SameAsTask.Same(log => F.StructReceiverCopy(log), log => T.StructReceiverCopy(log));

    [Fact]
    public Task A_record_method_copying_itself_with_with_and_capturing_this_after_awaits_matches_async_Task() =>
        SameAsTask.Same(log => F.RecordReceiver(log), log => T.RecordReceiver(log));

    [Fact]
    public Task Lambdas_capturing_this_after_an_await_see_fields_changed_later_as_in_async_Task() =>
        SameAsTask.Same(log => F.ThisCapturedAfterAwait(log), log => T.ThisCapturedAfterAwait(log));

    [Fact]
    public Task Static_local_functions_and_local_functions_called_with_awaited_arguments_match_async_Task() =>
        SameAsTask.Same(log => F.StaticLocalFunctions(log), log => T.StaticLocalFunctions(log));

    [Fact]
    public Task Async_Task_lambdas_run_by_LINQ_and_Task_WhenAll_inside_a_future_match_async_Task() =>
        SameAsTask.Same(log => F.AsyncLambdasInBody(log), log => T.AsyncLambdasInBody(log));

    [Fact]
    public Task String_Format_raw_and_formattable_interpolations_with_awaits_in_holes_match_async_Task() =>
        SameAsTask.Same(log => F.InterpolationAndFormat(log), log => T.InterpolationAndFormat(log));

    [Fact]
    public Task Checked_arithmetic_and_conversions_of_awaited_values_overflow_as_in_async_Task() =>
        SameAsTask.Same(log => F.CheckedArithmetic(log), log => T.CheckedArithmetic(log));

    [Fact]
    public Task Switch_expressions_with_awaits_in_arms_and_the_switched_value_match_async_Task() =>
        SameAsTask.Same(log => F.SwitchExpressionArmsAwait(log), log => T.SwitchExpressionArmsAwait(log));

    [Fact]
    public Task Nullable_value_types_with_coalescing_assignments_and_lifted_operators_around_awaits_match_async_Task() =>
        SameAsTask.Same(log => F.NullableValueTypes(log), log => T.NullableValueTypes(log));

    [Fact]
    public Task Deconstructing_awaited_tuples_into_new_locals_fields_and_elements_matches_async_Task() =>
        SameAsTask.Same(log => F.AwaitedDeconstruction(log), log => T.AwaitedDeconstruction(log));
}
