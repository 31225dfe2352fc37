namespace AsyncGen.Newcomer.Tests;

/// <summary>
/// Fourth newcomer round: newer C# a .NET developer reaches for — generic math and static abstract members, user-defined
/// checked operators, primary constructor parameters and default arguments, generic readonly struct receivers, extension
/// methods on awaited values, list patterns, a switch on an object with positional cases around an awaiting guard, spans
/// over awaited values, System.Threading.Lock, tuple switches and with on structs — each program beside the same text as
/// <c>async Task</c>.
/// </summary>
public partial class TypeAndPatternRoundFourTests
{
    /// <summary>A money type with a user-defined checked operator and an implicit conversion from int.</summary>
    public readonly record struct Money(int Cents)
    {
        public static Money operator +(Money a, Money b) => new(unchecked(a.Cents + b.Cents));

        public static Money operator checked +(Money a, Money b) => new(checked(a.Cents + b.Cents));

        public static implicit operator Money(int cents) => new(cents);
    }

    /// <summary>A class with a primary constructor parameter that its [PollAsync] method changes across awaits.</summary>
    public sealed partial class Ticker(int start, List<string> log)
    {
        [PollAsync]
        public async Future<int> Next(int by = 1, CancellationToken token = default)
        {
            start += by;
            await Future.Yield();
            log.Add("tick " + start + " " + token.CanBeCanceled);
            return start;
        }
    }

    public sealed class TaskTicker(int start, List<string> log)
    {
        public async Task<int> Next(int by = 1, CancellationToken token = default)
        {
            start += by;
            await Task.Yield();
            log.Add("tick " + start + " " + token.CanBeCanceled);
            return start;
        }
    }

    /// <summary>A generic struct whose [PollAsync] method reads its value across awaits.</summary>
    public readonly partial struct Holder<TValue>(TValue value) where TValue : notnull
    {
        public TValue Value => value;

        [PollAsync]
        public async Future<string> Show(List<string> log)
        {
            await Future.Yield();
            log.Add("show " + Value);
            return Value.ToString() + ":" + typeof(TValue).Name;
        }
    }

    public readonly struct TaskHolder<TValue>(TValue value) where TValue : notnull
    {
        public TValue Value => value;

        public async Task<string> Show(List<string> log)
        {
            await Task.Yield();
            log.Add("show " + Value);
            return Value.ToString() + ":" + typeof(TValue).Name;
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

        public static Ticker NewTicker(int start, List<string> log) => new Ticker(start, log);

        public static Holder<TValue> NewHolder<TValue>(TValue value) where TValue : notnull => new Holder<TValue>(value);

        public static Future<string> Twice(string text, List<string> log) => text.Twice(log);

        [PollAsync]
        public static async Future<T> SumParsed<T>(List<string> log, string[] texts) where T : System.Numerics.INumber<T>, IParsable<T>
        {
            var total = T.Zero;
            foreach (var text in texts)
                total += T.Parse(await Later(log, text), System.Globalization.CultureInfo.InvariantCulture);
            return total * (T.One + T.One);
        }

        [PollAsync]
        public static async Future<string> GenericMath(List<string> log)
        {
            var ints = await SumParsed<int>(log, new[] { "1", "2" });
            var doubles = await SumParsed<double>(log, new[] { "0.5", "0.25" });
            var decimals = await SumParsed<decimal>(log, new[] { "1.1" });
            return $"{ints} {doubles.ToString(System.Globalization.CultureInfo.InvariantCulture)} {decimals.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
        }

        [PollAsync]
        public static async Future<string> UserDefinedCheckedOperators(List<string> log)
        {
            Money wallet = await Later(log, 5);
            wallet += await Later(log, new Money(10));
            var text = wallet.Cents + ";";
            var wrapped = new Money(int.MaxValue) + await Later(log, new Money(1));
            text += wrapped.Cents + ";";
            try
            {
                var overflow = checked(new Money(int.MaxValue) + await Later(log, new Money(1)));
                text += overflow.Cents + ";";
            }
            catch (OverflowException)
            {
                text += "checked overflow;";
            }
            checked
            {
                try
                {
                    wallet = new Money(int.MaxValue - 1);
                    wallet += await Later<Money>(log, 2);
                }
                catch (OverflowException)
                {
                    text += "compound overflow " + wallet.Cents;
                }
            }
            return text;
        }

        [PollAsync]
        public static async Future<string> PrimaryConstructorAndDefaults(List<string> log)
        {
            var ticker = NewTicker(10, log);
            using var source = new CancellationTokenSource();
            var a = await ticker.Next();
            var b = await ticker.Next(5);
            var c = await ticker.Next(token: source.Token, by: await Later(log, 2));
            return $"{a} {b} {c}";
        }

        [PollAsync]
        public static async Future<string> GenericStructAndExtensions(List<string> log)
        {
            var number = NewHolder(42);
            var word = NewHolder("word");
            var text = await number.Show(log) + " " + await word.Show(log);
            text += " " + (await Later(log, "hey")).Exclaim();
            var (first, length) = await Later(log, "deconstructed");
            text += " " + first + length;
            text += " " + await Twice(await Later(log, "ab"), log);
            return text;
        }

        [PollAsync]
        public static async Future<string> ListAndPropertyPatterns(List<string> log)
        {
            var text = "";
            if (await Later(log, new[] { 1, 2, 3, 4 }) is [var first, .. var middle, var last])
                text += $"{first}{middle.Length}{await Later(log, last)};";
            if (await Later(log, "hello") is { Length: > 3 and var size } word && word[0] == 'h')
                text += word + await Later(log, size) + ";";
            if (await Later<object>(log, 5) is not int n || n < 3)
                text += "small;";
            else
                text += "n " + await Later(log, n) + ";";
            var point = (X: 3, Y: await Later(log, 4));
            text += point is (3, > 2) ? "match;" : "no;";
            return text + (await Later(log, new List<int>()) is [] ? "empty" : "full");
        }

        [PollAsync]
        public static async Future<string> ObjectTupleGuards(List<string> log)
        {
            var text = "";
            foreach (var message in new object[] { (1, "one"), (2, "two", 3), Tuple.Create(1, "late"), "text" })
            {
                switch (message)
                {
                    case (1, string body) when await Later(log, body.Length > 3):
                        text += "long one " + body + ";";
                        break;
                    case (1, _):
                        text += "short one;";
                        break;
                    case (_, var second, 3):
                        text += "three " + await Later(log, second) + ";";
                        break;
                    default:
                        text += "other;";
                        break;
                }
            }
            return text;
        }

        [PollAsync]
        public static async Future<string> SpanOverAwaitedCollection(List<string> log)
        {
            var vowels = 0;
            foreach (var c in (await Later(log, "education")).AsSpan())
                if ("aeiou".Contains(c)) vowels++;
            var gate = new Lock();
            var guarded = 0;
            lock (gate)
            {
                guarded += vowels;
            }
            guarded += await Later(log, 10);
            lock (gate) guarded *= 2;
            return $"{vowels} {guarded} {await Later(log, "end")}";
        }

        [PollAsync]
        public static async Future<string> TupleSwitchAndWithOnStructs(List<string> log)
        {
            var text = "";
            foreach (var (a, b) in new[] { (true, 1), (false, 2), (true, 3) })
            {
                text += (a, await Later(log, b)) switch
                {
                    (true, 1) => "first",
                    (false, var n) => "off " + await Later(log, n),
                    (_, > 2) => "big",
                    _ => "none",
                } + ";";
            }
            var money = new Money(5);
            var more = money with { Cents = await Later(log, 7) };
            var pair = (Left: 1, Right: 2);
            var swapped = pair with { Left = await Later(log, 9) };
            return $"{text} {money.Cents}/{more.Cents} {pair}/{swapped}";
        }

        [PollAsync]
        public static async Future<string> RecursiveLocalFunctionState(List<string> log)
        {
            var depth = await Later(log, 3);
            var seen = new List<int>();
            int Walk(int level)
            {
                seen.Add(level);
                return level >= depth ? level : Walk(level + 1) + level;
            }
            var first = Walk(0);
            depth = await Later(log, 1);
            var second = Walk(0);
            var nameOf = nameof(depth) + typeof(List<int>).Name + sizeof(long) + default(int);
            const int Limit = 2;
            return $"{first} {second} {seen.Count} {nameOf} {await Later(log, Limit)}";
        }

        [PollAsync]
        public static async Future<string> ThrowExpressionsAndCoalescing(List<string> log)
        {
            var name = await Later<string?>(log, "named") ?? throw new InvalidOperationException("no name");
            string? missing = null;
            var fallback = missing ?? await Later(log, "fallback");
            var text = name + " " + fallback;
            try
            {
                var value = await Later<string?>(log, null) ?? throw new ArgumentNullException("value", await Later(log, "missing value"));
                text += value;
            }
            catch (ArgumentNullException e)
            {
                text += " " + e.ParamName + " " + e.Message.Split(' ')[0];
            }
            var length = (await Later<string?>(log, null))?.Length ?? -1;
            return text + " " + length;
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

        public static TaskTicker NewTicker(int start, List<string> log) => new TaskTicker(start, log);

        public static TaskHolder<TValue> NewHolder<TValue>(TValue value) where TValue : notnull => new TaskHolder<TValue>(value);

        public static Task<string> Twice(string text, List<string> log) => text.TwiceTask(log);

        public static async Task<T> SumParsed<T>(List<string> log, string[] texts) where T : System.Numerics.INumber<T>, IParsable<T>
        {
            var total = T.Zero;
            foreach (var text in texts)
                total += T.Parse(await Later(log, text), System.Globalization.CultureInfo.InvariantCulture);
            return total * (T.One + T.One);
        }

        public static async Task<string> GenericMath(List<string> log)
        {
            var ints = await SumParsed<int>(log, new[] { "1", "2" });
            var doubles = await SumParsed<double>(log, new[] { "0.5", "0.25" });
            var decimals = await SumParsed<decimal>(log, new[] { "1.1" });
            return $"{ints} {doubles.ToString(System.Globalization.CultureInfo.InvariantCulture)} {decimals.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
        }

        public static async Task<string> UserDefinedCheckedOperators(List<string> log)
        {
            Money wallet = await Later(log, 5);
            wallet += await Later(log, new Money(10));
            var text = wallet.Cents + ";";
            var wrapped = new Money(int.MaxValue) + await Later(log, new Money(1));
            text += wrapped.Cents + ";";
            try
            {
                var overflow = checked(new Money(int.MaxValue) + await Later(log, new Money(1)));
                text += overflow.Cents + ";";
            }
            catch (OverflowException)
            {
                text += "checked overflow;";
            }
            checked
            {
                try
                {
                    wallet = new Money(int.MaxValue - 1);
                    wallet += await Later<Money>(log, 2);
                }
                catch (OverflowException)
                {
                    text += "compound overflow " + wallet.Cents;
                }
            }
            return text;
        }

        public static async Task<string> PrimaryConstructorAndDefaults(List<string> log)
        {
            var ticker = NewTicker(10, log);
            using var source = new CancellationTokenSource();
            var a = await ticker.Next();
            var b = await ticker.Next(5);
            var c = await ticker.Next(token: source.Token, by: await Later(log, 2));
            return $"{a} {b} {c}";
        }

        public static async Task<string> GenericStructAndExtensions(List<string> log)
        {
            var number = NewHolder(42);
            var word = NewHolder("word");
            var text = await number.Show(log) + " " + await word.Show(log);
            text += " " + (await Later(log, "hey")).Exclaim();
            var (first, length) = await Later(log, "deconstructed");
            text += " " + first + length;
            text += " " + await Twice(await Later(log, "ab"), log);
            return text;
        }

        public static async Task<string> ListAndPropertyPatterns(List<string> log)
        {
            var text = "";
            if (await Later(log, new[] { 1, 2, 3, 4 }) is [var first, .. var middle, var last])
                text += $"{first}{middle.Length}{await Later(log, last)};";
            if (await Later(log, "hello") is { Length: > 3 and var size } word && word[0] == 'h')
                text += word + await Later(log, size) + ";";
            if (await Later<object>(log, 5) is not int n || n < 3)
                text += "small;";
            else
                text += "n " + await Later(log, n) + ";";
            var point = (X: 3, Y: await Later(log, 4));
            text += point is (3, > 2) ? "match;" : "no;";
            return text + (await Later(log, new List<int>()) is [] ? "empty" : "full");
        }

        public static async Task<string> ObjectTupleGuards(List<string> log)
        {
            var text = "";
            foreach (var message in new object[] { (1, "one"), (2, "two", 3), Tuple.Create(1, "late"), "text" })
            {
                switch (message)
                {
                    case (1, string body) when await Later(log, body.Length > 3):
                        text += "long one " + body + ";";
                        break;
                    case (1, _):
                        text += "short one;";
                        break;
                    case (_, var second, 3):
                        text += "three " + await Later(log, second) + ";";
                        break;
                    default:
                        text += "other;";
                        break;
                }
            }
            return text;
        }

        public static async Task<string> SpanOverAwaitedCollection(List<string> log)
        {
            var vowels = 0;
            foreach (var c in (await Later(log, "education")).AsSpan())
                if ("aeiou".Contains(c)) vowels++;
            var gate = new Lock();
            var guarded = 0;
            lock (gate)
            {
                guarded += vowels;
            }
            guarded += await Later(log, 10);
            lock (gate) guarded *= 2;
            return $"{vowels} {guarded} {await Later(log, "end")}";
        }

        public static async Task<string> TupleSwitchAndWithOnStructs(List<string> log)
        {
            var text = "";
            foreach (var (a, b) in new[] { (true, 1), (false, 2), (true, 3) })
            {
                text += (a, await Later(log, b)) switch
                {
                    (true, 1) => "first",
                    (false, var n) => "off " + await Later(log, n),
                    (_, > 2) => "big",
                    _ => "none",
                } + ";";
            }
            var money = new Money(5);
            var more = money with { Cents = await Later(log, 7) };
            var pair = (Left: 1, Right: 2);
            var swapped = pair with { Left = await Later(log, 9) };
            return $"{text} {money.Cents}/{more.Cents} {pair}/{swapped}";
        }

        public static async Task<string> RecursiveLocalFunctionState(List<string> log)
        {
            var depth = await Later(log, 3);
            var seen = new List<int>();
            int Walk(int level)
            {
                seen.Add(level);
                return level >= depth ? level : Walk(level + 1) + level;
            }
            var first = Walk(0);
            depth = await Later(log, 1);
            var second = Walk(0);
            var nameOf = nameof(depth) + typeof(List<int>).Name + sizeof(long) + default(int);
            const int Limit = 2;
            return $"{first} {second} {seen.Count} {nameOf} {await Later(log, Limit)}";
        }

        public static async Task<string> ThrowExpressionsAndCoalescing(List<string> log)
        {
            var name = await Later<string?>(log, "named") ?? throw new InvalidOperationException("no name");
            string? missing = null;
            var fallback = missing ?? await Later(log, "fallback");
            var text = name + " " + fallback;
            try
            {
                var value = await Later<string?>(log, null) ?? throw new ArgumentNullException("value", await Later(log, "missing value"));
                text += value;
            }
            catch (ArgumentNullException e)
            {
                text += " " + e.ParamName + " " + e.Message.Split(' ')[0];
            }
            var length = (await Later<string?>(log, null))?.Length ?? -1;
            return text + " " + length;
        }
    }

    [Fact]
    public Task Static_abstract_interface_members_and_generic_math_with_awaited_operands_match_async_Task() =>
        SameAsTask.Same(log => F.GenericMath(log), log => T.GenericMath(log));

    [Fact]
    public Task User_defined_checked_operators_and_implicit_conversions_of_awaited_values_match_async_Task() =>
        SameAsTask.Same(log => F.UserDefinedCheckedOperators(log), log => T.UserDefinedCheckedOperators(log));

    [Fact]
    public Task A_primary_constructor_parameter_changed_across_awaits_and_default_arguments_match_async_Task() =>
        SameAsTask.Same(log => F.PrimaryConstructorAndDefaults(log), log => T.PrimaryConstructorAndDefaults(log));

    [Fact]
    public Task A_generic_readonly_struct_receiver_and_extension_methods_on_awaited_values_match_async_Task() =>
        SameAsTask.Same(log => F.GenericStructAndExtensions(log), log => T.GenericStructAndExtensions(log));

    [Fact]
    public Task List_and_property_patterns_on_awaited_values_with_designations_used_after_awaits_match_async_Task() =>
        SameAsTask.Same(log => F.ListAndPropertyPatterns(log), log => T.ListAndPropertyPatterns(log));

    [Fact]
    public Task A_switch_on_an_object_with_positional_cases_around_an_awaiting_guard_matches_async_Task() =>
        SameAsTask.Same(log => F.ObjectTupleGuards(log), log => T.ObjectTupleGuards(log));

    [Fact]
    public Task Foreach_over_a_span_of_an_awaited_value_and_a_Lock_statement_between_awaits_match_async_Task() =>
        SameAsTask.Same(log => F.SpanOverAwaitedCollection(log), log => T.SpanOverAwaitedCollection(log));

    [Fact]
    public Task Tuple_switch_expressions_and_with_on_structs_with_awaited_values_match_async_Task() =>
        SameAsTask.Same(log => F.TupleSwitchAndWithOnStructs(log), log => T.TupleSwitchAndWithOnStructs(log));

    [Fact]
    public Task A_recursive_local_function_reading_locals_changed_across_awaits_matches_async_Task() =>
        SameAsTask.Same(log => F.RecursiveLocalFunctionState(log), log => T.RecursiveLocalFunctionState(log));

    [Fact]
    public Task Coalescing_with_throw_expressions_and_awaits_on_either_side_matches_async_Task() =>
        SameAsTask.Same(log => F.ThrowExpressionsAndCoalescing(log), log => T.ThrowExpressionsAndCoalescing(log));
}

/// <summary>Extension methods (one a [PollAsync] extension) the fourth round's programs call on awaited values.</summary>
public static partial class RoundFourTextExtensions
{
    public static string Exclaim(this string text) => text.ToUpperInvariant() + "!";

    public static void Deconstruct(this string text, out char first, out int length) => (first, length) = (text[0], text.Length);

    [PollAsync]
    public static async Future<string> Twice(this string text, List<string> log)
    {
        log.Add("twice " + text);
        await Future.Yield();
        return text + text;
    }

    public static async Task<string> TwiceTask(this string text, List<string> log)
    {
        log.Add("twice " + text);
        await Task.Yield();
        return text + text;
    }
}
