// Property patterns inside tuple elements around an awaiting 'when' guard (review F2): C#'s DAG reads each property
// under an element once, and the labels after a failed guard test what was read before it. The getters log each read
// and return a new value each time, so a second read shows in the log and picks another case.

public sealed class RisingSensor
{
    private readonly List<string> _log;
    private int _level;

    public RisingSensor(List<string> log, int level)
    {
        _log = log;
        _level = level;
    }

    public int Level
    {
        get
        {
            _log.Add("read Level " + _level);
            return _level++;
        }
    }

    public string Name
    {
        get
        {
            _log.Add("read Name");
            return "s" + _level;
        }
    }

    public RisingSensor? Inner { get { _log.Add("read Inner"); return _inner; } }

    private RisingSensor? _inner;

    public RisingSensor With(RisingSensor inner)
    {
        _inner = inner;
        return this;
    }
}

public static partial class TupleGuards
{
    [PollAsync]
    public static async Future<bool> Refuse(List<string> log)
    {
        log.Add("guard");
        await Ops.Yield();
        return false;
    }

    [PollAsync]
    public static async Future<bool> Check(List<string> log, RisingSensor s)
    {
        log.Add("check " + s.Level);
        await Ops.Yield();
        return false;
    }
}

public static partial class P_GuardedTupleElementPropertyReadOnce
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var sensor = new RisingSensor(log, 1);
        switch ((sensor, 5))
        {
            case ({ Level: 1 }, 5) when await TupleGuards.Refuse(log):
                return "guarded";
            case ({ Level: 1 }, _):
                return "one";
            case ({ Level: 2 }, _):
                return "two";
            default:
                return "none";
        }
    }
}

public static partial class P_GuardedTupleElementDesignatedAndPassedToTheGuard
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var text = "";
        for (var flag = 0; flag < 3; flag++)
        {
            var sensor = new RisingSensor(log, flag);
            switch ((sensor, flag))
            {
                case ({ Level: > 0 } s, 1) when await TupleGuards.Check(log, s):
                    text += "guarded;";
                    break;
                case ({ Level: 1, Name: var name }, _):
                    text += "one " + name + ";";
                    break;
                case ({ Level: 2 }, 1):
                    text += "two;";
                    break;
                case (_, 2) when await TupleGuards.Refuse(log):
                    text += "flag2;";
                    break;
                case ({ Level: var level }, var f):
                    text += "other " + level + " " + f + ";";
                    break;
            }
        }
        return text;
    }
}

public static partial class P_GuardedTupleElementNullNestedAndNamed
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var text = "";
        var sensors = new RisingSensor?[] { null, new RisingSensor(log, 1).With(new RisingSensor(log, 7)), new RisingSensor(log, 3) };
        foreach (var sensor in sensors)
        {
            (RisingSensor? Probe, (int Lo, RisingSensor? Again) Pair) input = (sensor, (1, sensor));
            switch (input)
            {
                case ({ Inner.Level: 7 }, (1, { Level: 1 })) when await TupleGuards.Refuse(log):
                    text += "guarded;";
                    break;
                case (null, _):
                    text += "null;";
                    break;
                case ({ Inner.Level: 8 }, (_, { Level: 2 })):
                    text += "eight;";
                    break;
                case ({ Inner.Level: 7 }, (_, { Level: 1 })):
                    text += "seven;";
                    break;
                case { Probe.Level: 3, Pair.Again.Level: 4 }:
                    text += "props;";
                    break;
                default:
                    text += "none;";
                    break;
            }
        }
        return text;
    }
}

public static partial class P_GuardedTupleArmsOfASwitchExpression
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var sensor = new RisingSensor(log, 1);
        var other = new RisingSensor(log, 10);
        return (sensor, other) switch
        {
            ({ Level: 1 }, { Level: 10 }) when await TupleGuards.Refuse(log) => "guarded",
            ({ Level: 2 }, _) => "two",
            (_, { Level: 10 }) => "ten",
            ({ Level: 1 }, { Level: 11 }) => "one eleven",
            _ => "none",
        };
    }
}
