// A property pattern inside a tuple element around an awaiting 'when' guard: C#'s DAG reads 'Level' once, the
// generated labels after the guard read it again (a known difference, src/Generator/README.md and
// KnownGeneratorBugs.Broken). The getter logs each read and returns a new value each time.

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
}

public static partial class P_GuardedTupleElementPropertyReadOnce
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
        var sensor = new RisingSensor(log, 1);
        switch ((sensor, 5))
        {
            case ({ Level: 1 }, 5) when await Refuse(log):
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
