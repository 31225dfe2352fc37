namespace AsyncGen.Newcomer.Tests;

/// <summary>
/// Overloaded operators, user-defined conversions, checked contexts and nullable value types in awaited
/// expressions, written as a newcomer writes money, temperature and vector types, each beside the same code as
/// <c>async Task</c>.
/// </summary>
public partial class OperatorShapeTests
{
    [PollAsync]
    private static async Future<T> Later<T>(List<string> log, T value)
    {
        log.Add($"later {value}");
        await Future.Yield();
        return value;
    }

    private static async Task<T> LaterTask<T>(List<string> log, T value)
    {
        log.Add($"later {value}");
        await Task.Yield();
        return value;
    }

    public readonly record struct Money(decimal Amount, string Currency)
    {
        public static Money operator +(Money a, Money b) =>
            a.Currency == b.Currency ? new(a.Amount + b.Amount, a.Currency) : throw new InvalidOperationException("currency");
        public static Money operator *(Money a, decimal factor) => new(a.Amount * factor, a.Currency);
        public static Money operator -(Money a) => new(-a.Amount, a.Currency);
        public static bool operator >(Money a, Money b) => a.Amount > b.Amount;
        public static bool operator <(Money a, Money b) => a.Amount < b.Amount;
        public static implicit operator decimal(Money m) => m.Amount;
        public static explicit operator Money(decimal amount) => new(amount, "EUR");
    }

    [PollAsync]
    private static async Future<string> Arithmetic(List<string> log)
    {
        var total = (Money)10m;
        total += await Later(log, (Money)5m);
        total = -total + await Later(log, new Money(100m, "EUR")) * await Later(log, 2m);
        decimal plain = total;
        plain += await Later(log, (Money)0.5m);
        var bigger = await Later(log, total) > (Money)100m;
        var cast = (Money)await Later(log, 3m);
        try
        {
            total += await Later(log, new Money(1m, "USD"));
        }
        catch (InvalidOperationException e)
        {
            log.Add(e.Message);
        }
        return $"{total} {plain} {bigger} {cast}";
    }

    private static async Task<string> ArithmeticTask(List<string> log)
    {
        var total = (Money)10m;
        total += await LaterTask(log, (Money)5m);
        total = -total + await LaterTask(log, new Money(100m, "EUR")) * await LaterTask(log, 2m);
        decimal plain = total;
        plain += await LaterTask(log, (Money)0.5m);
        var bigger = await LaterTask(log, total) > (Money)100m;
        var cast = (Money)await LaterTask(log, 3m);
        try
        {
            total += await LaterTask(log, new Money(1m, "USD"));
        }
        catch (InvalidOperationException e)
        {
            log.Add(e.Message);
        }
        return $"{total} {plain} {bigger} {cast}";
    }

    [Fact]
    public async Task User_defined_operators_and_conversions_around_awaits_match_async_Task()
    {
        var (futureLog, taskLog) = (new List<string>(), new List<string>());
        Assert.Equal(await ArithmeticTask(taskLog), Executor.BlockOn(Arithmetic(futureLog)));
        Assert.Equal(taskLog, futureLog);
    }

    /// <summary>A three-valued flag: user-defined <c>&amp;&amp;</c>/<c>||</c> through <c>&amp;</c>, <c>|</c>, <c>true</c>, <c>false</c>.</summary>
    public readonly struct Tri
    {
        private readonly int _value; // -1 no, 0 unknown, 1 yes
        public Tri(int value) => _value = value;
        public static readonly Tri Yes = new(1), No = new(-1), Unknown = new(0);
        public static bool operator true(Tri t) => t._value > 0;
        public static bool operator false(Tri t) => t._value < 0;
        public static Tri operator &(Tri a, Tri b) => new(Math.Min(a._value, b._value));
        public static Tri operator |(Tri a, Tri b) => new(Math.Max(a._value, b._value));
        public static Tri operator !(Tri a) => new(-a._value);
        public override string ToString() => _value switch { > 0 => "yes", < 0 => "no", _ => "unknown" };
    }

    [PollAsync]
    private static async Future<string> ShortCircuitOperators(List<string> log)
    {
        // A user-defined && or || whose right operand awaits is AG0005 (SecondNewcomerRoundDiagnosticTests): test with if.
        var a = Tri.Unknown;
        if (a) a = a & await Later(log, Tri.Yes);
        var b = Tri.No & await Later(log, Tri.Yes);
        var c = await Later(log, Tri.Yes) || Tri.No;
        var d = await Later(log, Tri.Unknown) | await Later(log, Tri.No);
        var e = (await Later(log, Tri.Unknown) && Tri.No) | !await Later(log, Tri.No);
        if (await Later(log, Tri.Unknown) || Tri.Yes) log.Add("if taken");
        return $"{a} {b} {c} {d} {e}";
    }

    private static async Task<string> ShortCircuitOperatorsTask(List<string> log)
    {
        // A user-defined && or || whose right operand awaits is AG0005 (SecondNewcomerRoundDiagnosticTests): test with if.
        var a = Tri.Unknown;
        if (a) a = a & await LaterTask(log, Tri.Yes);
        var b = Tri.No & await LaterTask(log, Tri.Yes);
        var c = await LaterTask(log, Tri.Yes) || Tri.No;
        var d = await LaterTask(log, Tri.Unknown) | await LaterTask(log, Tri.No);
        var e = (await LaterTask(log, Tri.Unknown) && Tri.No) | !await LaterTask(log, Tri.No);
        if (await LaterTask(log, Tri.Unknown) || Tri.Yes) log.Add("if taken");
        return $"{a} {b} {c} {d} {e}";
    }

    [Fact]
    public async Task User_defined_short_circuit_operators_with_awaited_operands_match_async_Task()
    {
        var (futureLog, taskLog) = (new List<string>(), new List<string>());
        Assert.Equal(await ShortCircuitOperatorsTask(taskLog), Executor.BlockOn(ShortCircuitOperators(futureLog)));
        Assert.Equal(taskLog, futureLog);
    }

    [PollAsync]
    private static async Future<string> ConditionsOfAUserDefinedTruth(List<string> log)
    {
        var steps = new List<string>();
        var flag = Tri.Unknown;
        if (flag) steps.Add("unknown is true " + await Later(log, 1));
        else steps.Add("unknown is not true " + await Later(log, 2));
        if (await Later(log, Tri.No)) steps.Add("no is true");
        var state = Tri.Yes;
        var turns = 0;
        while (state)
        {
            turns++;
            state = await Later(log, turns < 3 ? Tri.Yes : Tri.Unknown);
        }
        do
        {
            turns += await Later(log, 10);
        }
        while (turns < 30 ? Tri.Yes : Tri.No);
        for (var gate = Tri.Yes; gate; gate = !gate) steps.Add($"for {await Later(log, gate)}");
        var chosen = await Later(log, Tri.Unknown) ? await Later(log, "then") : await Later(log, "else");
        return $"{string.Join(",", steps)} {turns} {chosen}";
    }

    private static async Task<string> ConditionsOfAUserDefinedTruthTask(List<string> log)
    {
        var steps = new List<string>();
        var flag = Tri.Unknown;
        if (flag) steps.Add("unknown is true " + await LaterTask(log, 1));
        else steps.Add("unknown is not true " + await LaterTask(log, 2));
        if (await LaterTask(log, Tri.No)) steps.Add("no is true");
        var state = Tri.Yes;
        var turns = 0;
        while (state)
        {
            turns++;
            state = await LaterTask(log, turns < 3 ? Tri.Yes : Tri.Unknown);
        }
        do
        {
            turns += await LaterTask(log, 10);
        }
        while (turns < 30 ? Tri.Yes : Tri.No);
        for (var gate = Tri.Yes; gate; gate = !gate) steps.Add($"for {await LaterTask(log, gate)}");
        var chosen = await LaterTask(log, Tri.Unknown) ? await LaterTask(log, "then") : await LaterTask(log, "else");
        return $"{string.Join(",", steps)} {turns} {chosen}";
    }

    [Fact]
    public async Task Conditions_of_a_type_with_operator_true_and_its_own_not_operator_match_async_Task()
    {
        var (futureLog, taskLog) = (new List<string>(), new List<string>());
        Assert.Equal(await ConditionsOfAUserDefinedTruthTask(taskLog), Executor.BlockOn(ConditionsOfAUserDefinedTruth(futureLog)));
        Assert.Equal(taskLog, futureLog);
    }

    public readonly record struct Celsius(double Degrees)
    {
        public static implicit operator Celsius(double degrees) => new(degrees);
        public static explicit operator Fahrenheit(Celsius c) => new(c.Degrees * 9 / 5 + 32);
    }

    public readonly record struct Fahrenheit(double Degrees);

    [PollAsync]
    private static async Future<string> Conversions(List<string> log)
    {
        Celsius room = await Later(log, 21.5);
        var hot = (Fahrenheit)await Later(log, new Celsius(40));
        Celsius? maybe = null;
        maybe ??= await Later(log, 3.0);
        var list = new List<Celsius> { await Later(log, 1.0), 2.0 };
        Celsius[] array = [await Later(log, 5.0), room];
        object boxed = await Later(log, room);
        return $"{room} {hot} {maybe} {list[0]} {list[1]} {array[0]} {boxed is Celsius}";
    }

    private static async Task<string> ConversionsTask(List<string> log)
    {
        Celsius room = await LaterTask(log, 21.5);
        var hot = (Fahrenheit)await LaterTask(log, new Celsius(40));
        Celsius? maybe = null;
        maybe ??= await LaterTask(log, 3.0);
        var list = new List<Celsius> { await LaterTask(log, 1.0), 2.0 };
        Celsius[] array = [await LaterTask(log, 5.0), room];
        object boxed = await LaterTask(log, room);
        return $"{room} {hot} {maybe} {list[0]} {list[1]} {array[0]} {boxed is Celsius}";
    }

    [Fact]
    public async Task User_defined_implicit_and_explicit_conversions_of_awaited_values_match_async_Task()
    {
        var (futureLog, taskLog) = (new List<string>(), new List<string>());
        Assert.Equal(await ConversionsTask(taskLog), Executor.BlockOn(Conversions(futureLog)));
        Assert.Equal(taskLog, futureLog);
    }

    public readonly record struct Counter(int Value)
    {
        public static Counter operator +(Counter a, int b) => new(a.Value + b);
        public static Counter operator checked +(Counter a, int b) => new(checked(a.Value + b));
    }

    [PollAsync]
    private static async Future<string> CheckedContexts(List<string> log, int big)
    {
        var results = new List<string>();
        var wrapped = unchecked(big + await Later(log, 1));
        results.Add($"{wrapped}");
        try
        {
            var overflow = checked(big + await Later(log, 1));
            results.Add($"no overflow {overflow}");
        }
        catch (OverflowException)
        {
            results.Add("overflow");
        }
        checked
        {
            byte small = 250;
            try
            {
                small += (byte)await Later(log, 10);
                results.Add($"no overflow {small}");
            }
            catch (OverflowException)
            {
                results.Add($"byte overflow {small}");
            }
            var counter = new Counter(int.MaxValue - 1);
            try
            {
                counter += await Later(log, 5);
                results.Add($"no overflow {counter}");
            }
            catch (OverflowException)
            {
                results.Add($"counter overflow {counter}");
            }
            unchecked
            {
                var c2 = new Counter(int.MaxValue) + await Later(log, 1);
                results.Add($"{c2}");
            }
        }
        return string.Join(" ", results);
    }

    private static async Task<string> CheckedContextsTask(List<string> log, int big)
    {
        var results = new List<string>();
        var wrapped = unchecked(big + await LaterTask(log, 1));
        results.Add($"{wrapped}");
        try
        {
            var overflow = checked(big + await LaterTask(log, 1));
            results.Add($"no overflow {overflow}");
        }
        catch (OverflowException)
        {
            results.Add("overflow");
        }
        checked
        {
            byte small = 250;
            try
            {
                small += (byte)await LaterTask(log, 10);
                results.Add($"no overflow {small}");
            }
            catch (OverflowException)
            {
                results.Add($"byte overflow {small}");
            }
            var counter = new Counter(int.MaxValue - 1);
            try
            {
                counter += await LaterTask(log, 5);
                results.Add($"no overflow {counter}");
            }
            catch (OverflowException)
            {
                results.Add($"counter overflow {counter}");
            }
            unchecked
            {
                var c2 = new Counter(int.MaxValue) + await LaterTask(log, 1);
                results.Add($"{c2}");
            }
        }
        return string.Join(" ", results);
    }

    [Fact]
    public async Task Checked_user_defined_operators_and_nested_unchecked_blocks_match_async_Task()
    {
        var (futureLog, taskLog) = (new List<string>(), new List<string>());
        Assert.Equal(await CheckedContextsTask(taskLog, int.MaxValue), Executor.BlockOn(CheckedContexts(futureLog, int.MaxValue)));
        Assert.Equal(taskLog, futureLog);
    }

    public struct Sample
    {
        public int? Value;
    }

    public struct Reading
    {
        public int? Value;
        public Sample? Previous;
    }

    [PollAsync]
    private static async Future<string> NullableValues(List<string> log, int? start)
    {
        int? x = start;
        x ??= await Later(log, 5);
        x += await Later(log, 1);
        int? none = null;
        none += await Later(log, 100);
        var reading = new Reading { Value = null, Previous = new Sample { Value = 3 } };
        reading.Value ??= await Later(log, 7);
        var previous = reading.Previous?.Value + await Later(log, 10);
        var length = (await Later(log, (string?)null))?.Length ?? -1;
        DateTime? when = null;
        var year = when?.Year ?? await Later(log, 2000);
        return $"{x} {none is null} {reading.Value} {previous} {length} {year}";
    }

    private static async Task<string> NullableValuesTask(List<string> log, int? start)
    {
        int? x = start;
        x ??= await LaterTask(log, 5);
        x += await LaterTask(log, 1);
        int? none = null;
        none += await LaterTask(log, 100);
        var reading = new Reading { Value = null, Previous = new Sample { Value = 3 } };
        reading.Value ??= await LaterTask(log, 7);
        var previous = reading.Previous?.Value + await LaterTask(log, 10);
        var length = (await LaterTask(log, (string?)null))?.Length ?? -1;
        DateTime? when = null;
        var year = when?.Year ?? await LaterTask(log, 2000);
        return $"{x} {none is null} {reading.Value} {previous} {length} {year}";
    }

    [Fact]
    public async Task Nullable_value_types_with_lifted_operators_and_null_coalescing_match_async_Task()
    {
        var (futureLog, taskLog) = (new List<string>(), new List<string>());
        Assert.Equal(await NullableValuesTask(taskLog, null), Executor.BlockOn(NullableValues(futureLog, null)));
        Assert.Equal(await NullableValuesTask(taskLog, 1), Executor.BlockOn(NullableValues(futureLog, 1)));
        Assert.Equal(taskLog, futureLog);
    }

    public readonly record struct Vector(int X, int Y)
    {
        public static Vector operator +(Vector a, Vector b) => new(a.X + b.X, a.Y + b.Y);
        public static bool operator ==(Vector a, (int, int) b) => a.X == b.Item1 && a.Y == b.Item2;
        public static bool operator !=(Vector a, (int, int) b) => !(a == b);
    }

    [PollAsync]
    private static async Future<string> TupleOperators(List<string> log)
    {
        var position = new Vector(1, 2);
        position += await Later(log, new Vector(3, 4));
        var arrived = position == await Later(log, (4, 6));
        var (dx, dy) = (await Later(log, 1), await Later(log, 2));
        var swapped = (dy, dx) == await Later(log, (2, 1));
        (dx, dy) = (dy, await Later(log, dx));
        return $"{position} {arrived} {swapped} {dx} {dy}";
    }

    private static async Task<string> TupleOperatorsTask(List<string> log)
    {
        var position = new Vector(1, 2);
        position += await LaterTask(log, new Vector(3, 4));
        var arrived = position == await LaterTask(log, (4, 6));
        var (dx, dy) = (await LaterTask(log, 1), await LaterTask(log, 2));
        var swapped = (dy, dx) == await LaterTask(log, (2, 1));
        (dx, dy) = (dy, await LaterTask(log, dx));
        return $"{position} {arrived} {swapped} {dx} {dy}";
    }

    [Fact]
    public async Task Operators_on_tuples_and_tuple_swaps_with_awaits_match_async_Task()
    {
        var (futureLog, taskLog) = (new List<string>(), new List<string>());
        Assert.Equal(await TupleOperatorsTask(taskLog), Executor.BlockOn(TupleOperators(futureLog)));
        Assert.Equal(taskLog, futureLog);
    }
}
