// A fifth newcomer round: struct using and foreach variables mutated through methods (in place, as C# does),
// named arguments out of order, swaps through tuples, events subscribed with an awaited handler, increments of
// awaited targets, lifted nullable operators, interpolation formats, constrained calls on generic structs, struct
// enumerators, ref extension methods on hoisted structs, labels and jumps out of try/finally. Helper types are
// prefixed Nd.

public struct NdCounter
{
    public int Count;
    public void Bump() => Count++;
    public override string ToString() => "c" + Count;
}

public struct NdResource : IDisposable
{
    private readonly List<string> _log;
    public int Count;
    public NdResource(List<string> log) { _log = log; Count = 0; }
    public void Bump() => Count++;
    public void Dispose() => _log.Add("finally:dispose count " + Count);
}

public static partial class P_NdUsingStructVariableIsReadonly
{
    // A using variable is readonly, yet C# calls a mutating method on the variable itself (no defensive copy, a
    // compatibility rule of Roslyn's): both bumps reach the resource Dispose sees, like foreach variables below.
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        using var resource = new NdResource(log);
        resource.Bump();
        await Ops.Yield();
        resource.Bump();
        log.Add("count " + resource.Count);
        return "done";
    }
}

public static partial class P_NdForeachStructVariableIsReadonly
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var items = new[] { new NdCounter(), new NdCounter { Count = 5 } };
        foreach (var item in items)
        {
            item.Bump();
            await Ops.Yield();
            item.Bump();
            log.Add(item.ToString());
        }
        return string.Join(",", items);
    }
}

public static partial class P_NdNamedArgumentsOutOfOrder
{
    private static string Pair(string first, string second) => first + "+" + second;
    private static string Trace(List<string> log, string s) { log.Add(s); return s; }

    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var a = Pair(second: Trace(log, "second"), first: await Ops.Value(Trace(log, "first")));
        var b = Pair(second: await Ops.Value(Trace(log, "second2")), first: Trace(log, "first2"));
        return a + " " + b;
    }
}

public static partial class P_NdSwapThroughTupleWithAwait
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        int a = 1, b = 2;
        (a, b) = (await Ops.Value(b + 10), a);
        log.Add(a + "," + b);
        (a, b) = (b, await Ops.Value(a));
        log.Add(a + "," + b);
        var arr = new int[4];
        var i = 0;
        (arr[i++], arr[i++]) = (await Ops.Value(7), i);
        log.Add(string.Join(",", arr) + " i=" + i);
        return "ok";
    }
}

public sealed class NdBox
{
    public int Value { get; set; }
    public string? Name { get; set; }
    public event Action<string>? Changed;
    public void Raise(string s) => Changed?.Invoke(s);
}

public static partial class P_NdEventSubscriptionWithAwait
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var box = new NdBox();
        Action<string> handler = s => log.Add("got " + s);
        box.Changed += await Ops.Value(handler);
        box.Raise("one");
        box.Changed -= await Ops.Value(handler);
        box.Raise("two");
        return "ok";
    }
}

public static partial class P_NdCompoundOnAwaitedReceiver
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var box = new NdBox { Value = 1 };
        (await Ops.Value(box)).Value += await Ops.Value(10);
        (await Ops.Value(box)).Value++;
        (await Ops.Value(box)).Name ??= await Ops.Value("n");
        (await Ops.Value(box)).Name ??= await Ops.Value("m");
        return box.Value + box.Name;
    }
}

public static partial class P_NdInterpolationFormatsAndAlignment
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var n = 255;
        var s = $"[{await Ops.Value(n),6:X4}|{n,-5}|{await Ops.Value(3.14159),8:F2}|{await Ops.Value<string?>(null),3}|{await Ops.Value(DateTime.MinValue):yyyy}]";
        FormattableString f = $"{await Ops.Value(1)}-{2,3}";
        return s + f.Format + f.ArgumentCount;
    }
}

public static partial class P_NdNullableLiftedOperators
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        int? x = null;
        x += await Ops.Value(3);
        int? y = 4;
        y *= await Ops.Value<int?>(5);
        var lt = x < await Ops.Value<int?>(1);
        var eq = await Ops.Value<int?>(null) == x;
        bool? t = true;
        var and = t & await Ops.Value<bool?>(null);
        var or = await Ops.Value<bool?>(null) | t;
        y ??= await Ops.Value(9);
        int? z = null;
        z ??= await Ops.Value(9);
        return $"{x?.ToString() ?? "null"} {y} {lt} {eq} {and?.ToString() ?? "null"} {or} {z} {-x} {~y}";
    }
}

public interface INdBump { void Bump(); int Count { get; } }
public struct NdBumper : INdBump
{
    public int Count { get; private set; }
    public void Bump() => Count++;
}
public sealed class NdRefBumper : INdBump
{
    public int Count { get; private set; }
    public void Bump() => Count++;
}

public struct NdStructEnumerable
{
    public int Limit;
    public NdStructEnumerator GetEnumerator() => new NdStructEnumerator { Limit = Limit, Position = -1 };
}
public struct NdStructEnumerator
{
    public int Limit, Position, Moves;
    public bool MoveNext() { Moves++; return ++Position < Limit; }
    public int Current => Position * 10 + Moves;
}
public struct NdDisposableEnumerable
{
    public List<string> Log;
    public NdDisposableEnumerator GetEnumerator() => new NdDisposableEnumerator { Log = Log };
}
public struct NdDisposableEnumerator : IDisposable
{
    public List<string> Log;
    public int Position;
    public bool MoveNext() => ++Position <= 3;
    public int Current => Position;
    public void Dispose() => Log.Add("finally:enumerator disposed at " + Position);
}

public static class NdStructExtensions
{
    public static void Increment(this ref NdCounter counter, int by) => counter.Count += by;
    public static int Peek(this in NdCounter counter) => counter.Count;
}

public static partial class P_NdConstrainedCallsOnGenericStructs
{
    [PollAsync]
    private static async Future<int> BumpTwice<T>(T bumper) where T : INdBump
    {
        bumper.Bump();
        await Ops.Yield();
        bumper.Bump();
        return bumper.Count;
    }

    [PollAsync]
    private static async Future<string> Make<T>() where T : INdBump, new()
    {
        var made = new T();
        await Ops.Yield();
        made.Bump();
        return typeof(T).Name + made.Count;
    }

    [PollAsync]
    private static async Future<T> Largest<T>(IEnumerable<T> items) where T : struct, IComparable<T>
    {
        T best = default;
        foreach (var item in items)
        {
            await Ops.Yield();
            if (item.CompareTo(best) > 0) best = item;
        }
        return best;
    }

    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var s = new NdBumper();
        var c = new NdRefBumper();
        log.Add(await BumpTwice(s) + " " + s.Count);
        log.Add(await BumpTwice(c) + " " + c.Count);
        log.Add(await Make<NdBumper>() + await Make<NdRefBumper>());
        log.Add((await Largest(new[] { 3, 9, 2 })).ToString());
        return "ok";
    }
}

public static partial class P_NdStructEnumeratorsAcrossAwaits
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        foreach (var x in new NdStructEnumerable { Limit = 3 })
        {
            await Ops.Yield();
            log.Add("x" + x);
        }
        foreach (var y in new NdDisposableEnumerable { Log = log })
        {
            if (y == 2) { await Ops.Yield(); continue; }
            log.Add("y" + y);
        }
        foreach (var z in new NdDisposableEnumerable { Log = log })
        {
            await Ops.Yield();
            if (z == 2) break;
        }
        return "ok";
    }
}

public static partial class P_NdListModifiedWhileEnumerating
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var list = new List<int> { 1, 2, 3 };
        try
        {
            foreach (var item in list)
            {
                await Ops.Yield();
                if (item == 2) list.Add(4);
                log.Add("item " + item);
            }
        }
        catch (InvalidOperationException)
        {
            log.Add("modified");
        }
        var dict = new Dictionary<string, int> { ["a"] = 1 };
        foreach (var key in dict.Keys.ToList())
        {
            dict[key + key] = await Ops.Value(dict[key] + 1);
        }
        return string.Join(",", list) + " " + string.Join(",", dict.OrderBy(p => p.Key).Select(p => p.Key + p.Value));
    }
}

public static partial class P_NdRefExtensionsOnHoistedStructs
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var counter = new NdCounter();
        counter.Increment(await Ops.Value(2));
        await Ops.Yield();
        counter.Increment(3);
        var peeked = counter.Peek();
        counter.Increment(counter.Peek() + await Ops.Value(100));
        var counters = new NdCounter[2];
        counters[await Ops.Value(1)].Increment(await Ops.Value(7));
        return $"{counter} {peeked} {counters[1]}";
    }
}

public static partial class P_NdStructReceiverChangedByArgument
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var counter = new NdCounter();
        var items = new List<int>();
        // the receiver is the variable: the argument's bump is seen by the call
        counter.Increment(Bump(ref counter) + await Ops.Value(10));
        log.Add(counter.ToString());
        var tuple = (a: 1, b: 2);
        tuple.a += await Ops.Value(tuple.b);
        tuple.b = tuple.a + await Ops.Value(1);
        return counter + " " + tuple;
    }

    private static int Bump(ref NdCounter counter) { counter.Count += 1000; return 1; }
}

public static partial class P_NdIncrementsOfAwaitedTargets
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var box = new NdBox { Value = 1 };
        (await Ops.Value(box)).Value++;
        ++(await Ops.Value(box)).Value;
        var old = (await Ops.Value(box)).Value--;
        var items = new[] { 10, 20, 30 };
        items[await Ops.Value(1)]++;
        var was = items[await Ops.Value(2)]--;
        var now = ++items[await Ops.Value(0)];
        string? text = await Ops.Value<string?>("t");
        var length = (await Ops.Value<string?>("abc"))!.Length;
        return $"{box.Value} {old} {string.Join(",", items)} {was} {now} {length}";
    }
}

public static partial class P_NdGotoLabelsAndTryFinally
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var attempts = 0;
    again:
        try
        {
            attempts++;
            await Ops.Yield();
            if (attempts < 3) goto again;
            log.Add("past goto");
        }
        finally
        {
            log.Add("finally:attempt " + attempts);
        }
        var i = 0;
        while (true)
        {
            try
            {
                i++;
                if (i == 2) continue;
                if (i == 4) break;
                await Ops.Yield();
                log.Add("body " + i);
            }
            finally
            {
                log.Add("finally:iteration " + i);
            }
        }
        switch (await Ops.Value(3))
        {
            case 1:
                log.Add("one");
                break;
            case 3:
                log.Add("three");
                await Ops.Yield();
                goto default;
            default:
                log.Add("default");
                break;
        }
        return "attempts " + attempts;
    }
}
