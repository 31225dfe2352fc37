using System.Numerics;

namespace AsyncGen.Newcomer.Tests;

/// <summary>
/// Records, structs and generic math around awaits, beside the same code as <c>async Task</c>: with-expressions
/// and deconstruction, mutable struct locals changed before and after awaits, <c>ref</c> locals and spans that do
/// not cross an await, <c>in</c> arguments, static abstract interface members.
/// </summary>
public partial class ValueShapeTests
{
    public sealed record Person(string Name, int Age)
    {
        public List<string> Tags { get; init; } = [];
    }

    public readonly record struct Money(decimal Amount, string Currency);

    public struct Accumulator
    {
        public int Count;
        public long Sum;
        public Inner Last;
        public void Add(int value) { Count++; Sum += value; Last.Value = value; }
        public readonly override string ToString() => $"{Count}/{Sum}/{Last.Value}";
    }

    public struct Inner
    {
        public int Value;
    }

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

    private static int Peek(in Accumulator acc) => acc.Count * 1000 + (int)acc.Sum;

    [PollAsync]
    private static async Future<string> Records()
    {
        var ada = new Person("Ada", 36) { Tags = ["math"] };
        var older = ada with { Age = await Later(ada.Age + 1) };
        var renamed = older with { Name = await Later("Lovelace"), Tags = [.. older.Tags, await Later("poet")] };
        var (name, age) = await Later(renamed);
        (name, age) = (await Later("Byron"), age + await Later(1));
        var money = new Money(10m, "EUR");
        var more = money with { Amount = money.Amount * await Later(3m) };
        var (amount, currency) = more;
        return $"{ada} {older.Age} {renamed.Name} {string.Join(",", renamed.Tags)} {name} {age} {amount}{currency} {ada == older} {older with { } == older}";
    }

    private static async Task<string> RecordsTask()
    {
        var ada = new Person("Ada", 36) { Tags = ["math"] };
        var older = ada with { Age = await LaterTask(ada.Age + 1) };
        var renamed = older with { Name = await LaterTask("Lovelace"), Tags = [.. older.Tags, await LaterTask("poet")] };
        var (name, age) = await LaterTask(renamed);
        (name, age) = (await LaterTask("Byron"), age + await LaterTask(1));
        var money = new Money(10m, "EUR");
        var more = money with { Amount = money.Amount * await LaterTask(3m) };
        var (amount, currency) = more;
        return $"{ada} {older.Age} {renamed.Name} {string.Join(",", renamed.Tags)} {name} {age} {amount}{currency} {ada == older} {older with { } == older}";
    }

    [Fact]
    public async Task With_expressions_and_deconstruction_of_records_across_awaits_match_async_Task()
    {
        Assert.Equal(await RecordsTask(), Executor.BlockOn(Records()));
    }

    [PollAsync]
    private static async Future<string> MutableStructs(int[] values)
    {
        var acc = new Accumulator();
        acc.Add(await Later(values[0]));
        acc.Add(values[1]);
        await Future.Yield();
        acc.Last.Value += await Later(100);
        acc.Count++;
        var peek = Peek(in acc);
        var copy = acc;
        copy.Add(await Later(1));
        var array = new Accumulator[2];
        array[1].Add(await Later(values[2]));
        ref var slot = ref array[0];
        slot.Add(5);
        slot.Count += 10;
        Span<int> scratch = stackalloc int[3];
        for (var i = 0; i < scratch.Length; i++) scratch[i] = values[i] * 2;
        var scratchSum = scratch[0] + scratch[1] + scratch[2];
        await Future.Yield();
        var list = new List<Accumulator> { acc };
        var fromList = list[0];
        fromList.Add(await Later(9));
        return $"{acc} {peek} {copy} {array[0]} {array[1]} {scratchSum} {fromList} {list[0]}";
    }

    private static async Task<string> MutableStructsTask(int[] values)
    {
        var acc = new Accumulator();
        acc.Add(await LaterTask(values[0]));
        acc.Add(values[1]);
        await Task.Yield();
        acc.Last.Value += await LaterTask(100);
        acc.Count++;
        var peek = Peek(in acc);
        var copy = acc;
        copy.Add(await LaterTask(1));
        var array = new Accumulator[2];
        array[1].Add(await LaterTask(values[2]));
        ref var slot = ref array[0];
        slot.Add(5);
        slot.Count += 10;
        Span<int> scratch = stackalloc int[3];
        for (var i = 0; i < scratch.Length; i++) scratch[i] = values[i] * 2;
        var scratchSum = scratch[0] + scratch[1] + scratch[2];
        await Task.Yield();
        var list = new List<Accumulator> { acc };
        var fromList = list[0];
        fromList.Add(await LaterTask(9));
        return $"{acc} {peek} {copy} {array[0]} {array[1]} {scratchSum} {fromList} {list[0]}";
    }

    [Fact]
    public async Task Mutable_struct_locals_ref_locals_and_spans_that_end_before_an_await_match_async_Task()
    {
        int[] values = [3, 4, 5];
        Assert.Equal(await MutableStructsTask(values), Executor.BlockOn(MutableStructs(values)));
    }

    public interface IShape<TSelf> where TSelf : IShape<TSelf>
    {
        static abstract TSelf Unit { get; }
        static abstract string Describe(TSelf shape);
        double Area { get; }
    }

    public readonly record struct Square(double Side) : IShape<Square>
    {
        public static Square Unit => new(1);
        public static string Describe(Square shape) => $"square {shape.Side}";
        public double Area => Side * Side;
    }

    [PollAsync]
    private static async Future<T> Sum<T>(IEnumerable<T> items) where T : INumber<T>
    {
        var total = T.Zero;
        foreach (var item in items)
        {
            total += await Later(item);
            if (total > T.CreateChecked(1000)) break;
        }
        return total * T.One;
    }

    [PollAsync]
    private static async Future<string> Shapes<TShape>(int count) where TShape : struct, IShape<TShape>
    {
        var unit = TShape.Unit;
        var area = 0.0;
        for (var i = 0; i < count; i++) area += (await Later(unit)).Area;
        return $"{TShape.Describe(unit)} x{count} = {area}";
    }

    private static async Task<T> SumTask<T>(IEnumerable<T> items) where T : INumber<T>
    {
        var total = T.Zero;
        foreach (var item in items)
        {
            total += await LaterTask(item);
            if (total > T.CreateChecked(1000)) break;
        }
        return total * T.One;
    }

    [Fact]
    public async Task Generic_math_and_static_abstract_members_on_type_parameters_match_async_Task()
    {
        Assert.Equal(await SumTask(new[] { 1, 2, 3 }), Executor.BlockOn(Sum(new[] { 1, 2, 3 })));
        Assert.Equal(await SumTask(new[] { 0.5m, 999m, 7m, 8m }), Executor.BlockOn(Sum(new[] { 0.5m, 999m, 7m, 8m })));
        Assert.Equal(await SumTask(new[] { (short)1, (short)2 }), Executor.BlockOn(Sum(new[] { (short)1, (short)2 })));
        Assert.Equal("square 1 x3 = 3", Executor.BlockOn(Shapes<Square>(3)));
    }
}
