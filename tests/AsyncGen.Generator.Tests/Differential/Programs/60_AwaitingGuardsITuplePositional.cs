// Positional patterns on an 'object' around an awaiting 'when' guard: C# tests the value with ITuple, reading its
// Length and each item once for all labels (its decision DAG), and the labels after a failed guard test what was read
// before it. The tuple logs each read and answers a new value each time, so a second read shows in the log and picks
// another case.

public sealed class LoggingTuple : System.Runtime.CompilerServices.ITuple
{
    private readonly List<string> _log;
    private readonly int[] _items;
    private int _reads;

    public LoggingTuple(List<string> log, params int[] items)
    {
        _log = log;
        _items = items;
    }

    public int Length
    {
        get
        {
            _log.Add("read Length");
            return _items.Length + _reads++;
        }
    }

    public object? this[int index]
    {
        get
        {
            _log.Add("read [" + index + "]");
            return _items[index]++;
        }
    }
}

public static partial class TupleInterfaceGuards
{
    [PollAsync]
    public static async Future<bool> Refuse(List<string> log, string why)
    {
        log.Add("guard " + why);
        await Ops.Yield();
        return false;
    }
}

public static partial class P_GuardedObjectPositionalReadOnce
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        object value = new LoggingTuple(log, 1, 2);
        switch (value)
        {
            case (1, 2) when await TupleInterfaceGuards.Refuse(log, "first"):
                return "guarded";
            case (1, 2):
                return "one two";
            case (_, 3):
                return "second moved";
            default:
                return "none";
        }
    }
}

public static partial class P_GuardedObjectPositionalDesignatedNestedAndExpression
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var text = "";
        var values = new object?[] { null, "text", new LoggingTuple(log, 5), new LoggingTuple(log, 1, 7), new LoggingTuple(log, 4, 4, 4) };
        foreach (var value in values)
        {
            switch (value)
            {
                case (1, var second) when await TupleInterfaceGuards.Refuse(log, "pair " + second):
                    text += "guarded;";
                    break;
                case (_, 7):
                    text += "seven;";
                    break;
                case (4, _, _):
                    text += "three from four;";
                    break;
                case (var x, var y, var z) when await TupleInterfaceGuards.Refuse(log, "three " + x + y + z):
                    text += "three guarded;";
                    break;
                case (int a, int b, int c):
                    text += "three " + a + b + c + ";";
                    break;
                case null:
                    text += "null;";
                    break;
                default:
                    text += "other;";
                    break;
            }
            text += value switch
            {
                (2, 8) when await TupleInterfaceGuards.Refuse(log, "arm") => "arm guarded;",
                (2, 8) => "arm pair;",
                (_, _) => "arm any pair;",
                _ => "arm none;",
            };
        }
        return text;
    }
}
