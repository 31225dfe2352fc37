// Property patterns around an awaiting 'when' guard: C#'s decision DAG reads each property of the switched value once,
// the first time a label needs it, and the labels after a failed guard test what was read before the guard, even when
// the guard changed the property; a property no label read before the guard is read after it. The getters log each read.

public sealed class Gauge
{
    private readonly List<string> _log;
    private int _level;
    private int _spare;
    private Gauge? _inner;

    public Gauge(List<string> log, int level, int spare = 0, Gauge? inner = null)
    {
        _log = log;
        _level = level;
        _spare = spare;
        _inner = inner;
    }

    public int Level { get { _log.Add("read Level " + _level); return _level; } set => _level = value; }

    public int Spare { get { _log.Add("read Spare " + _spare); return _spare; } set => _spare = value; }

    public Gauge? Inner { get { _log.Add("read Inner"); return _inner; } set => _inner = value; }
}

public static partial class GaugeGuards
{
    /// <summary>Changes the gauge while suspended, then refuses: the labels after it see what C# read before it.</summary>
    [PollAsync]
    public static async Future<bool> Bump(Gauge gauge, List<string> log)
    {
        log.Add("guard");
        await Ops.Yield();
        gauge.Level += 1;
        gauge.Spare += 10;
        if (gauge.Inner is { } inner) gauge.Inner = new Gauge(log, inner.Level + 1);
        return false;
    }
}

public static partial class P_GuardedPropertyReadOnceForLaterLabels
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var text = "";
        foreach (var start in new[] { 1, 2, 5 })
        {
            var gauge = new Gauge(log, start);
            switch (gauge)
            {
                case { Level: 1 } when await GaugeGuards.Bump(gauge, log):
                    text += "one ";
                    break;
                case { Level: 2 }:
                    text += "two(" + gauge.Level + ") ";
                    break;
                case { Level: > 1 and var level } when level < 4:
                    text += "small " + level + " ";
                    break;
                default:
                    text += "default " + gauge.Level + " ";
                    break;
            }
        }
        return text.Trim();
    }
}

public static partial class P_GuardedPropertyNotReadBeforeIsReadAfter
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var gauge = new Gauge(log, 1, spare: 3);
        switch (gauge)
        {
            case { Level: 1 } when await GaugeGuards.Bump(gauge, log):
                return "one";
            case { Spare: 13, Level: var level }:
                return "spare after the guard, level " + level;
            case { Spare: 3 }:
                return "spare before the guard";
            default:
                return "default";
        }
    }
}

public static partial class P_GuardedNestedAndExtendedPropertyPatterns
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var gauge = new Gauge(log, 7, inner: new Gauge(log, 1));
        switch (gauge)
        {
            case { Inner: { Level: 1 } inner } when await GaugeGuards.Bump(gauge, log):
                return "inner one " + inner.Level;
            case { Inner.Level: 2 }:
                return "inner two";
            case { Inner: Gauge { Level: 1 } same, Level: 8 }:
                return "same inner, level read after " + same.Level;
            default:
                return "default " + gauge.Level;
        }
    }
}

public static partial class P_GuardedArmsOfASwitchExpressionReadOnce
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var text = "";
        foreach (var start in new[] { 1, 3 })
        {
            var gauge = new Gauge(log, start);
            text += gauge switch
            {
                { Level: 1 } when await GaugeGuards.Bump(gauge, log) => "one",
                { Level: 3 } when await GaugeGuards.Bump(gauge, log) => "three",
                { Level: 1 or 3 } => "unchanged " + gauge.Level,
                { Level: var other } => "other " + other,
            } + " ";
        }
        return text.Trim();
    }
}

public static partial class P_GuardedLabelsInALoopForgetEarlierReads
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var text = "";
        var gauge = new Gauge(log, 1);
        for (var round = 0; round < 3; round++)
        {
            switch (gauge)
            {
                case { Level: < 3 } when await GaugeGuards.Bump(gauge, log):
                    text += "never ";
                    break;
                case { Level: var seen }:
                    text += "round " + round + " saw " + seen + " ";
                    break;
            }
        }
        return text.Trim();
    }
}

public static partial class P_GuardedLabelsOrPatternAndGotoCase
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var text = "";
        foreach (var start in new[] { 1, 4, 9 })
        {
            var gauge = new Gauge(log, start, spare: start);
            switch (gauge)
            {
                case { Level: 1 } or { Spare: 4 } when await GaugeGuards.Bump(gauge, log):
                    text += "never ";
                    break;
                // Alternatives in the order of the guarded label's: C#'s DAG skips an alternative whose answer it knows
                // already, and the generated test evaluates them in the order written (README, "Awaiting guards").
                case { Level: 1 } or { Spare: 4 }:
                    text += "first or fourth (" + gauge.Level + ") ";
                    goto case null;
                case null:
                    text += "null-case ";
                    break;
                default:
                    text += "default ";
                    break;
            }
        }
        return text.Trim();
    }
}
