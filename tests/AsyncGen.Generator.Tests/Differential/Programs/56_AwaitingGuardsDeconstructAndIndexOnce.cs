// Deconstruction and list patterns around an awaiting 'when' guard: C#'s decision DAG calls Deconstruct once, reads a
// list's Count once and each item (and slice) once, the first time a label needs it, so the labels after a failed
// guard test what was read before it. Deconstruct, Count, the indexer and Slice log each call.

public sealed class Reading
{
    private readonly List<string> _log;
    private int _first;
    private int _second;

    public Reading(List<string> log, int first, int second)
    {
        _log = log;
        _first = first;
        _second = second;
    }

    public int Spare { get { _log.Add("read Spare"); return _second; } }

    public void Deconstruct(out int first, out int second)
    {
        _log.Add("deconstruct " + _first + "," + _second);
        first = _first;
        second = _second;
    }

    public void Change() => _first += 10;
}

public sealed class Readings
{
    private readonly List<string> _log;
    private readonly List<int> _items;

    public Readings(List<string> log, params int[] items)
    {
        _log = log;
        _items = new List<int>(items);
    }

    public int Count { get { _log.Add("read Count " + _items.Count); return _items.Count; } }

    public int this[int index] { get { _log.Add("read [" + index + "]"); return _items[index]; } }

    public Readings Slice(int start, int length)
    {
        _log.Add("slice " + start + "," + length);
        return new Readings(_log, _items.GetRange(start, length).ToArray());
    }

    public void Change() { _items.Add(7); _items[0] += 10; }
}

public static partial class ReadingGuards
{
    /// <summary>Changes the value while suspended, then refuses: the labels after it see what C# read before it.</summary>
    [PollAsync]
    public static async Future<bool> Refuse(Reading reading, List<string> log)
    {
        log.Add("guard");
        await Ops.Yield();
        reading.Change();
        return false;
    }

    [PollAsync]
    public static async Future<bool> Refuse(Readings readings, List<string> log)
    {
        log.Add("guard");
        await Ops.Yield();
        readings.Change();
        return false;
    }
}

public static partial class P_GuardedDeconstructCalledOnce
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var text = "";
        foreach (var (first, second) in new[] { (1, 2), (1, 3), (4, 2), (5, 5) })
        {
            var reading = new Reading(log, first, second);
            switch (reading)
            {
                case (1, _) when await ReadingGuards.Refuse(reading, log):
                    text += "guarded ";
                    break;
                case (1, 2):
                    text += "one-two ";
                    break;
                case (var a, 2) when a > 3:
                    text += "big " + a + " ";
                    break;
                case (_, var b) and { Spare: 5 }:
                    text += "spare " + b + " ";
                    break;
                default:
                    text += "none ";
                    break;
            }
        }
        return text.Trim();
    }
}

public static partial class P_GuardedDeconstructArmsCalledOnce
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var text = "";
        foreach (var first in new[] { 1, 2 })
        {
            var reading = new Reading(log, first, 2);
            text += reading switch
            {
                (2, _) => "two ",
                (_, 2) when await ReadingGuards.Refuse(reading, log) => "guarded ",
                (1 or 11, var second) => "first " + second + " ",
                _ => "none ",
            };
        }
        return text.Trim();
    }
}

public static partial class P_GuardedListPatternReadsOnce
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var text = "";
        foreach (var items in new[] { new[] { 1, 2 }, new[] { 1, 5, 3 }, new[] { 2, 9 }, new[] { 4 }, new[] { 1, 6, 3 } })
        {
            var readings = new Readings(log, items);
            switch (readings)
            {
                case [1, ..] when await ReadingGuards.Refuse(readings, log):
                    text += "guarded ";
                    break;
                case [1, 2]:
                    text += "one-two ";
                    break;
                case [_, 5, _]:
                    text += "five in the middle ";
                    break;
                case [_, .., 3]:
                    text += "ends in three ";
                    break;
                case [var head, .. var rest] when rest.Count > 0:
                    text += "head " + head + " ";
                    break;
                case { Count: 1 }:
                    text += "single ";
                    break;
                default:
                    text += "none ";
                    break;
            }
        }
        return text.Trim();
    }
}

public static partial class P_GuardedListPatternArmsReadOnce
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var text = "";
        foreach (var items in new[] { new[] { 1, 2 }, new[] { 2, 2, 2 } })
        {
            var readings = new Readings(log, items);
            text += readings switch
            {
                [2, ..] => "two ",
                [.., 2] when await ReadingGuards.Refuse(readings, log) => "guarded ",
                [1, 2] or [11, 2, 7] => "first ",
                _ => "none ",
            };
        }
        return text.Trim();
    }
}

public sealed class TwoArities
{
    private readonly List<string> _log;
    private readonly int _x;
    private readonly int _y;

    public TwoArities(List<string> log, int x, int y)
    {
        _log = log;
        _x = x;
        _y = y;
    }

    public void Deconstruct(out int x, out int y)
    {
        _log.Add("deconstruct 2");
        x = _x;
        y = _y;
    }

    public void Deconstruct(out int x, out int y, out int sum)
    {
        _log.Add("deconstruct 3");
        x = _x * 10;
        y = _y * 10;
        sum = _x + _y;
    }
}

public static class TwoAritiesExtensions
{
    public static void Deconstruct(this TwoArities value, out int a, out int b, out int c, out int d)
    {
        value.Deconstruct(out a, out b, out var sum);
        c = sum;
        d = -sum;
    }
}

/// <summary>
/// Positional patterns of different arities call different Deconstruct methods (C#'s DAG keys the call by method):
/// the 2-ary label after the guard calls its own overload, not the 3-ary one's cached values.
/// </summary>
public static partial class P_GuardedDeconstructOverloadsCalledEach
{
    [PollAsync]
    private static async Future<bool> Refuse(List<string> log)
    {
        log.Add("guard");
        await Ops.Yield();
        return false;
    }

    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var text = "";
        object value = new TwoArities(log, 1, 2);
        switch (value)
        {
            case TwoArities(1, _, var sum) when await Refuse(log) || sum < 0:
                text += "guarded ";
                break;
            case TwoArities(_, _, _, var negative) when await Refuse(log) && negative > 0:
                text += "guarded ext ";
                break;
            case TwoArities(var x, var y):
                text += "two " + x + "," + y + " ";
                break;
            default:
                text += "none ";
                break;
        }
        switch (value)
        {
            case TwoArities(var x, _, _, var d) when await Refuse(log):
                text += "guarded " + x + d;
                break;
            case TwoArities(_, _, var sum, _):
                text += "ext " + sum;
                break;
            default:
                text += "none";
                break;
        }
        return text.Trim();
    }
}
