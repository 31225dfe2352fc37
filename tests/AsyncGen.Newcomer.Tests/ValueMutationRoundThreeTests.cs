namespace AsyncGen.Newcomer.Tests;

/// <summary>
/// Third newcomer round: records copied with <c>with</c>, mutable structs in locals, arrays, fields and statics
/// changed by compound assignments whose right side awaits, awaited indexes, <c>??=</c> on elements and properties,
/// conditional access with awaited arguments, generic struct locals mutated through an interface, nullable structs;
/// each program beside the same text as <c>async Task</c>.
/// </summary>
public partial class ValueMutationRoundThreeTests
{
    public sealed record Person(string Name, int Age)
    {
        public List<string> Tags { get; init; } = new();
    }

    public record struct Money(string Currency, decimal Amount);

    /// <summary>A mutable struct: compound assignments to its fields must land in the variable, not in a copy.</summary>
    public struct Counter
    {
        public int Hits;
        public int Misses;
        public void Hit() => Hits++;
        public override readonly string ToString() => $"{Hits}/{Misses}";
    }

    public sealed class Holder
    {
        public Counter Stats;
        public static Counter Shared;
        private readonly List<string> _log;
        private int _count;
        public Holder(List<string> log) => _log = log;
        public int Count
        {
            get { _log.Add("get Count"); return _count; }
            set { _log.Add("set Count " + value); _count = value; }
        }
        public Holder? Next { get; set; }
        public string? Name { get; set; }
        public string Add(int value) { _log.Add("add " + value); _count += value; return "added " + value; }
    }

    public interface ICount
    {
        int Value { get; }
        void Increment();
    }

    public struct StructCount : ICount
    {
        public int Value { get; private set; }
        public void Increment() => Value++;
    }

    public sealed class ClassCount : ICount
    {
        public int Value { get; private set; }
        public void Increment() => Value++;
    }

    private static int Index(List<string> log, int index)
    {
        log.Add("index " + index);
        return index;
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
        public static async Future<string> RecordsWith(List<string> log)
        {
            var ann = new Person("Ann", 30) { Tags = { "a" } };
            var older = ann with { Age = ann.Age + await Later(log, 1) };
            older.Tags.Add(await Later(log, "shared"));
            var renamed = older with { Name = await Later(log, "Bo"), Age = await Later(log, 40) };
            var same = ann == older with { Age = 30 };
            return $"{ann.Name} {ann.Age} {older.Age} {renamed.Name} {renamed.Age} {same} {string.Join(",", ann.Tags)} {ReferenceEquals(ann.Tags, renamed.Tags)}";
        }


        [PollAsync]
        public static async Future<string> RecordStructs(List<string> log)
        {
            var price = new Money("EUR", 10m);
            var copy = price;
            price.Amount += await Later(log, 2.5m);
            var converted = price with { Currency = await Later(log, "USD") };
            var prices = new[] { price, copy };
            prices[1].Amount *= await Later(log, 3m);
            var (currency, amount) = prices[1];
            return $"{price} {copy} {converted} {prices[1]} {currency} {amount} {price == copy}";
        }


        [PollAsync]
        public static async Future<string> StructLocal(List<string> log)
        {
            var stats = new Counter();
            stats.Hits += await Later(log, 2);
            stats.Hit();
            stats.Misses = stats.Hits + await Later(log, 5);
            var before = stats;
            stats.Hit();
            stats.Misses -= await Later(log, 1);
            stats.Hits++;
            return $"{before} {stats}";
        }


        [PollAsync]
        public static async Future<string> StructArray(List<string> log)
        {
            var all = new Counter[3];
            all[Index(log, 1)].Hits += await Later(log, 4);
            all[Index(log, 2)].Misses -= await Later(log, 3);
            all[Index(log, 1)].Hit();
            var i = 0;
            all[i++].Hits += await Later(log, i);
            all[await Later(log, 2)].Hit();
            return $"{string.Join(" ", all)} {i}";
        }


        [PollAsync]
        public static async Future<string> StructFieldOfClass(List<string> log)
        {
            Holder.Shared = default;
            var holder = new Holder(log);
            holder.Stats.Hits += await Later(log, 3);
            holder.Stats.Hit();
            Holder.Shared.Misses += await Later(log, 7);
            Holder.Shared.Hit();
            var other = holder;
            holder = new Holder(log);
            other.Stats.Misses = await Later(log, 9);
            return $"{other.Stats} {holder.Stats} {Holder.Shared}";
        }


        [PollAsync]
        public static async Future<string> AwaitedIndexes(List<string> log)
        {
            var numbers = new[] { 1, 2, 3 };
            numbers[await Later(log, 0)]++;
            numbers[await Later(log, 1)] += await Later(log, 10);
            var list = new List<int> { 5, 6 };
            list[await Later(log, 1)] *= await Later(log, 3);
            var words = new Dictionary<string, int>();
            words[await Later(log, "k")] = words.GetValueOrDefault("k") + await Later(log, 4);
            words["k"] += await Later(log, 1);
            var grid = new int[2, 2];
            grid[await Later(log, 1), Index(log, 0)] -= await Later(log, 8);
            return $"{string.Join(",", numbers)} {string.Join(",", list)} {words["k"]} {grid[1, 0]}";
        }


        [PollAsync]
        public static async Future<string> CoalescingAssignments(List<string> log)
        {
            var names = new string?[] { null, "set" };
            names[Index(log, 0)] ??= await Later(log, "first");
            names[Index(log, 1)] ??= await Later(log, "never");
            var holder = new Holder(log);
            holder.Name ??= await Later(log, "named");
            holder.Name ??= await Later(log, "again");
            holder.Next ??= new Holder(log) { Name = await Later(log, "next") };
            int? count = null;
            count ??= await Later(log, 3);
            count ??= await Later(log, 4);
            var cache = new Dictionary<string, List<int>>();
            (cache.TryGetValue("a", out var found) ? found : cache["a"] = new List<int>()).Add(await Later(log, 1));
            return $"{string.Join(",", names)} {holder.Name} {holder.Next.Name} {count} {cache["a"].Count} {found is null}";
        }


        [PollAsync]
        public static async Future<string> PropertyCompound(List<string> log)
        {
            var holder = new Holder(log) { Next = new Holder(log) };
            holder.Next.Count += await Later(log, 2);
            var first = holder.Next;
            holder.Next.Count++;
            holder.Next = new Holder(log);
            first.Count *= await Later(log, 5);
            holder.Next.Count -= first.Count + await Later(log, 1);
            return $"{first.Count} {holder.Next.Count}";
        }


        [PollAsync]
        public static async Future<string> ConditionalAccess(List<string> log)
        {
            Holder? none = null;
            var holder = new Holder(log) { Next = new Holder(log) };
            var a = none?.Add(await Later(log, 1));
            var b = holder.Next?.Add(await Later(log, 2));
            var c = holder.Next?.Next?.Add(await Later(log, 3));
            var d = holder?.Next?.Name?.Length ?? await Later(log, -1);
            var e = (await Later<Holder?>(log, holder))?.Add(await Later(log, 4));
            return $"{a ?? "null"} {b} {c ?? "null"} {d} {e}";
        }


        [PollAsync]
        public static async Future<string> ConstrainedGeneric(List<string> log)
        {
            var s = await Bump(new StructCount(), log);
            var c = await Bump(new ClassCount(), log);
            var t = await BumpByRef<StructCount>(log);
            return $"{s} {c} {t}";
        }

        [PollAsync]
        public static async Future<string> Bump<TCount>(TCount counter, List<string> log) where TCount : ICount
        {
            counter.Increment();
            var copy = counter;
            await Later(log, counter.Value);
            counter.Increment();
            copy.Increment();
            counter.Increment();
            await Future.Yield();
            return $"{counter.Value}/{copy.Value}";
        }

        [PollAsync]
        public static async Future<int> BumpByRef<TCount>(List<string> log) where TCount : struct, ICount
        {
            TCount counter = default;
            for (var i = 0; i < 3; i++)
            {
                counter.Increment();
                await Later(log, i);
            }
            var array = new TCount[1];
            array[0].Increment();
            await Later(log, array[0].Value);
            array[0].Increment();
            return counter.Value * 10 + array[0].Value;
        }


        [PollAsync]
        public static async Future<string> NullableStructs(List<string> log)
        {
            DateTime? when = null;
            var a = when?.AddDays(await Later(log, 1.0)).Day;
            when = new DateTime(2020, 1, 30);
            var b = when?.AddDays(await Later(log, 2.0)).Day;
            Counter? stats = new Counter { Hits = 1 };
            var hits = stats?.Hits + await Later(log, 1);
            int? missing = null;
            var sum = missing + await Later(log, 5);
            var flag = (bool?)null & await Later(log, false);
            var either = (bool?)null | await Later(log, true);
            return $"{a?.ToString() ?? "null"} {b} {hits} {sum?.ToString() ?? "null"} {flag} {either}";
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


        public static async Task<string> RecordsWith(List<string> log)
        {
            var ann = new Person("Ann", 30) { Tags = { "a" } };
            var older = ann with { Age = ann.Age + await Later(log, 1) };
            older.Tags.Add(await Later(log, "shared"));
            var renamed = older with { Name = await Later(log, "Bo"), Age = await Later(log, 40) };
            var same = ann == older with { Age = 30 };
            return $"{ann.Name} {ann.Age} {older.Age} {renamed.Name} {renamed.Age} {same} {string.Join(",", ann.Tags)} {ReferenceEquals(ann.Tags, renamed.Tags)}";
        }


        public static async Task<string> RecordStructs(List<string> log)
        {
            var price = new Money("EUR", 10m);
            var copy = price;
            price.Amount += await Later(log, 2.5m);
            var converted = price with { Currency = await Later(log, "USD") };
            var prices = new[] { price, copy };
            prices[1].Amount *= await Later(log, 3m);
            var (currency, amount) = prices[1];
            return $"{price} {copy} {converted} {prices[1]} {currency} {amount} {price == copy}";
        }


        public static async Task<string> StructLocal(List<string> log)
        {
            var stats = new Counter();
            stats.Hits += await Later(log, 2);
            stats.Hit();
            stats.Misses = stats.Hits + await Later(log, 5);
            var before = stats;
            stats.Hit();
            stats.Misses -= await Later(log, 1);
            stats.Hits++;
            return $"{before} {stats}";
        }


        public static async Task<string> StructArray(List<string> log)
        {
            var all = new Counter[3];
            all[Index(log, 1)].Hits += await Later(log, 4);
            all[Index(log, 2)].Misses -= await Later(log, 3);
            all[Index(log, 1)].Hit();
            var i = 0;
            all[i++].Hits += await Later(log, i);
            all[await Later(log, 2)].Hit();
            return $"{string.Join(" ", all)} {i}";
        }


        public static async Task<string> StructFieldOfClass(List<string> log)
        {
            Holder.Shared = default;
            var holder = new Holder(log);
            holder.Stats.Hits += await Later(log, 3);
            holder.Stats.Hit();
            Holder.Shared.Misses += await Later(log, 7);
            Holder.Shared.Hit();
            var other = holder;
            holder = new Holder(log);
            other.Stats.Misses = await Later(log, 9);
            return $"{other.Stats} {holder.Stats} {Holder.Shared}";
        }


        public static async Task<string> AwaitedIndexes(List<string> log)
        {
            var numbers = new[] { 1, 2, 3 };
            numbers[await Later(log, 0)]++;
            numbers[await Later(log, 1)] += await Later(log, 10);
            var list = new List<int> { 5, 6 };
            list[await Later(log, 1)] *= await Later(log, 3);
            var words = new Dictionary<string, int>();
            words[await Later(log, "k")] = words.GetValueOrDefault("k") + await Later(log, 4);
            words["k"] += await Later(log, 1);
            var grid = new int[2, 2];
            grid[await Later(log, 1), Index(log, 0)] -= await Later(log, 8);
            return $"{string.Join(",", numbers)} {string.Join(",", list)} {words["k"]} {grid[1, 0]}";
        }


        public static async Task<string> CoalescingAssignments(List<string> log)
        {
            var names = new string?[] { null, "set" };
            names[Index(log, 0)] ??= await Later(log, "first");
            names[Index(log, 1)] ??= await Later(log, "never");
            var holder = new Holder(log);
            holder.Name ??= await Later(log, "named");
            holder.Name ??= await Later(log, "again");
            holder.Next ??= new Holder(log) { Name = await Later(log, "next") };
            int? count = null;
            count ??= await Later(log, 3);
            count ??= await Later(log, 4);
            var cache = new Dictionary<string, List<int>>();
            (cache.TryGetValue("a", out var found) ? found : cache["a"] = new List<int>()).Add(await Later(log, 1));
            return $"{string.Join(",", names)} {holder.Name} {holder.Next.Name} {count} {cache["a"].Count} {found is null}";
        }


        public static async Task<string> PropertyCompound(List<string> log)
        {
            var holder = new Holder(log) { Next = new Holder(log) };
            holder.Next.Count += await Later(log, 2);
            var first = holder.Next;
            holder.Next.Count++;
            holder.Next = new Holder(log);
            first.Count *= await Later(log, 5);
            holder.Next.Count -= first.Count + await Later(log, 1);
            return $"{first.Count} {holder.Next.Count}";
        }


        public static async Task<string> ConditionalAccess(List<string> log)
        {
            Holder? none = null;
            var holder = new Holder(log) { Next = new Holder(log) };
            var a = none?.Add(await Later(log, 1));
            var b = holder.Next?.Add(await Later(log, 2));
            var c = holder.Next?.Next?.Add(await Later(log, 3));
            var d = holder?.Next?.Name?.Length ?? await Later(log, -1);
            var e = (await Later<Holder?>(log, holder))?.Add(await Later(log, 4));
            return $"{a ?? "null"} {b} {c ?? "null"} {d} {e}";
        }


        public static async Task<string> ConstrainedGeneric(List<string> log)
        {
            var s = await Bump(new StructCount(), log);
            var c = await Bump(new ClassCount(), log);
            var t = await BumpByRef<StructCount>(log);
            return $"{s} {c} {t}";
        }

        public static async Task<string> Bump<TCount>(TCount counter, List<string> log) where TCount : ICount
        {
            counter.Increment();
            var copy = counter;
            await Later(log, counter.Value);
            counter.Increment();
            copy.Increment();
            counter.Increment();
            await Task.Yield();
            return $"{counter.Value}/{copy.Value}";
        }

        public static async Task<int> BumpByRef<TCount>(List<string> log) where TCount : struct, ICount
        {
            TCount counter = default;
            for (var i = 0; i < 3; i++)
            {
                counter.Increment();
                await Later(log, i);
            }
            var array = new TCount[1];
            array[0].Increment();
            await Later(log, array[0].Value);
            array[0].Increment();
            return counter.Value * 10 + array[0].Value;
        }


        public static async Task<string> NullableStructs(List<string> log)
        {
            DateTime? when = null;
            var a = when?.AddDays(await Later(log, 1.0)).Day;
            when = new DateTime(2020, 1, 30);
            var b = when?.AddDays(await Later(log, 2.0)).Day;
            Counter? stats = new Counter { Hits = 1 };
            var hits = stats?.Hits + await Later(log, 1);
            int? missing = null;
            var sum = missing + await Later(log, 5);
            var flag = (bool?)null & await Later(log, false);
            var either = (bool?)null | await Later(log, true);
            return $"{a?.ToString() ?? "null"} {b} {hits} {sum?.ToString() ?? "null"} {flag} {either}";
        }
    }

    [Fact]
    public Task Records_copied_with_with_expressions_across_awaits_match_async_Task() =>
        SameAsTask.Same(log => F.RecordsWith(log), log => T.RecordsWith(log));

    [Fact]
    public Task Record_structs_copied_and_changed_across_awaits_match_async_Task() =>
        SameAsTask.Same(log => F.RecordStructs(log), log => T.RecordStructs(log));

    [Fact]
    public Task Compound_assignments_to_fields_of_a_mutable_struct_local_match_async_Task() =>
        SameAsTask.Same(log => F.StructLocal(log), log => T.StructLocal(log));

    [Fact]
    public Task Compound_assignments_to_struct_elements_of_an_array_evaluate_like_async_Task() =>
        SameAsTask.Same(log => F.StructArray(log), log => T.StructArray(log));

    [Fact]
    public Task Compound_assignments_to_struct_fields_of_objects_and_statics_match_async_Task() =>
        SameAsTask.Same(log => F.StructFieldOfClass(log), log => T.StructFieldOfClass(log));

    [Fact]
    public Task Increments_and_compound_assignments_with_awaited_indexes_match_async_Task() =>
        SameAsTask.Same(log => F.AwaitedIndexes(log), log => T.AwaitedIndexes(log));

    [Fact]
    public Task Null_coalescing_assignments_to_elements_and_properties_with_awaits_match_async_Task() =>
        SameAsTask.Same(log => F.CoalescingAssignments(log), log => T.CoalescingAssignments(log));

    [Fact]
    public Task Property_compound_assignments_read_the_receiver_once_before_the_await_as_async_Task() =>
        SameAsTask.Same(log => F.PropertyCompound(log), log => T.PropertyCompound(log));

    [Fact]
    public Task Conditional_access_calls_with_awaited_arguments_skip_the_await_when_null_as_async_Task() =>
        SameAsTask.Same(log => F.ConditionalAccess(log), log => T.ConditionalAccess(log));

    [Fact]
    public Task A_constrained_generic_struct_local_mutated_through_its_interface_across_awaits_matches_async_Task() =>
        SameAsTask.Same(log => F.ConstrainedGeneric(log), log => T.ConstrainedGeneric(log));

    [Fact]
    public Task Nullable_struct_receivers_and_lifted_calls_around_awaits_match_async_Task() =>
        SameAsTask.Same(log => F.NullableStructs(log), log => T.NullableStructs(log));
}
