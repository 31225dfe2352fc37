// Labels around an awaiting 'when' guard that are tested apart from the C# switch of their neighbours (because they
// read a property the guard separates) read every property once too: a property such a label shares with a label of
// a C# switch, before or after the guard, is kept in a field as well. A getter that counts shows a second read.
// A ref struct on the way to a shared property (Memory<int>.Span) cannot be kept: it is read again, its Length once.

public sealed class Ticker
{
    private readonly List<string> _log;
    private int _next = 99;

    public Ticker(List<string> log) => _log = log;

    public int Next { get { _log.Add("read Next " + _next); return _next++; } }

    public int V { get { _log.Add("read V"); return 1; } }
}

public static partial class TickerGuards
{
    [PollAsync]
    public static async Future<bool> Refuse(List<string> log)
    {
        log.Add("guard");
        await Ops.Yield();
        return false;
    }
}

public static partial class P_LabelBeforeGuardReadsUnsharedPropertyOnce
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var ticker = new Ticker(log);
        switch (ticker)
        {
            case { Next: 100 }:
                return "c100";
            case { Next: > 99, V: 1 }:
                return "second label";
            case { V: 1 } when await TickerGuards.Refuse(log):
                return "first";
            case { V: 1 }:
                return "one";
            default:
                return "none";
        }
    }
}

public static partial class P_LabelsAfterGuardReadPropertyOnce
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var ticker = new Ticker(log);
        switch (ticker)
        {
            case { V: 1 } when await TickerGuards.Refuse(log):
                return "guard";
            case { V: 1, Next: 100 }:
                return "second";
            case { Next: > 99 }:
                return "third";
            default:
                return "none";
        }
    }
}

public static partial class P_GuardedLabelReadsPropertyOfEarlierLabelOnce
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var text = "";
        var ticker = new Ticker(log);
        switch (ticker)
        {
            case { Next: 100 }:
                text += "c100";
                break;
            case { Next: > 99 } when await TickerGuards.Refuse(log):
                text += "guarded";
                break;
            case { Next: 99 or 100 }:
                text += "unchanged";
                break;
            default:
                text += "none";
                break;
        }
        var arm = ticker switch
        {
            { Next: 101 } => "c101",
            { Next: > 100 } when await TickerGuards.Refuse(log) => "guarded arm",
            { Next: 101 or 102 } => "arm",
            _ => "no arm",
        };
        return text + " " + arm;
    }
}

public static partial class P_GuardedRefStructPathReadAgain
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var text = "";
        foreach (var length in new[] { 1, 2, 3 })
        {
            Memory<int> memory = new int[length];
            switch (memory)
            {
                case { Span.Length: 1 } when await TickerGuards.Refuse(log):
                    text += "first ";
                    break;
                case { Span.Length: 2 }:
                    text += "two ";
                    break;
                case { Span.Length: 1 }:
                    text += "one ";
                    break;
                default:
                    text += "none ";
                    break;
            }
        }
        return text.Trim();
    }
}
