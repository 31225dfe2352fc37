// A local that is the receiver of a location written (or called through) after an await of the same statement, and
// not used after it: deconstruction targets, ref and out arguments before an awaiting argument, a struct field of a
// class local assigned, compounded or called. The spiller keeps the local by name, so it must be a field.

public sealed class IndexLog
{
    private readonly List<string> _log;

    public IndexLog(List<string> log) => _log = log;

    public int this[int i] { get => 0; set => _log.Add("set [" + i + "] = " + value); }
}

public sealed class FieldBox
{
    public int F;
}

public struct Point2
{
    public int X;

    public void Add(int v) => X += v;
}

public sealed class PointBox
{
    public Point2 P;
}

public static partial class ReceiverHelpers
{
    public static int Index(List<string> log, int i)
    {
        log.Add("index " + i);
        return i;
    }

    public static void Put(out int target, int value) => target = value;

    public static void Inc(ref int target, int value) => target += value;
}

public static partial class P_DeconstructionIntoIndexersOfAnUnusedLocal
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var indexer = new IndexLog(log);
        (indexer[ReceiverHelpers.Index(log, 1)], indexer[ReceiverHelpers.Index(log, 2)]) = await Ops.Value((10, 20));
        int[] array = new int[3];
        var keep = array;
        var x = 0;
        (x, array[ReceiverHelpers.Index(log, 0)]) = (await Ops.Value(2), 9);
        return "x=" + x + " " + string.Join(",", keep);
    }
}

public static partial class P_RefAndOutFieldArgumentsOfAnUnusedLocal
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var first = new FieldBox();
        var keepFirst = first;
        ReceiverHelpers.Put(out first.F, await Ops.Value(3));
        var second = new FieldBox { F = 1 };
        var keepSecond = second;
        ReceiverHelpers.Inc(ref second.F, await Ops.Value(4));
        return keepFirst.F + " " + keepSecond.F;
    }
}

public static partial class P_StructFieldOfAnUnusedClassLocal
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var assigned = new PointBox();
        var keepAssigned = assigned;
        assigned.P.X = await Ops.Value(3);
        var called = new PointBox();
        var keepCalled = called;
        called.P.Add(await Ops.Value(4));
        var compounded = new PointBox { P = new Point2 { X = 1 } };
        var keepCompounded = compounded;
        compounded.P.X += await Ops.Value(5);
        return keepAssigned.P.X + " " + keepCalled.P.X + " " + keepCompounded.P.X;
    }
}
