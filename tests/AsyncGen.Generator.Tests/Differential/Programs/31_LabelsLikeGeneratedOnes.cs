// User labels spelled like the labels the generated machine uses (State1, Loop1Top, If1End, ...): a retry loop
// written with goto, the way some people still write one.

public static partial class P_UserLabelNamedLikeAResumeState
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        int attempts = 0;
    State1:
        attempts++;
        var ok = await Ops.Value(attempts >= 3);
        log.Add("attempt " + attempts + (ok ? " worked" : " failed"));
        if (!ok) goto State1;
    Ready1:
        log.Add("ready after " + attempts);
        return "attempts: " + attempts;
    }
}

public static partial class P_UserLabelsNamedLikeLoopAndIfLabels
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var seen = new List<int>();
        {
            int i = 0;
        Loop1Top:
            i++;
            seen.Add(i);
            if (i < 3) goto Loop1Top;
        }
        foreach (var n in new[] { 10, 20 })
        {
            var doubled = await Ops.Value(n * 2);
            if (doubled > 30) goto If1End;
            seen.Add(doubled);
        If1End:
            log.Add("after " + n);
        }
        int tries = 0;
    Loop1Top_:
        tries++;
        if (await Ops.Value(tries) < 2) goto Loop1Top_;
        switch (await Ops.Value(seen.Count))
        {
            case 4:
                goto Switch1Break;
            default:
                log.Add("unexpected count");
                break;
        }
    Switch1Break:
        return string.Join(",", seen) + " tries " + tries;
    }
}

public static partial class P_UserLabelNamedLikeATryLabel
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        int round = 0;
    Try1:
        round++;
        try
        {
            var value = await Ops.Value(round);
            if (value < 2) throw new InvalidOperationException("too small: " + value);
            log.Add("got " + value);
        }
        catch (InvalidOperationException e)
        {
            log.Add(e.Message);
            await Ops.Yield();
            goto Try1;
        }
        finally
        {
            log.Add("finally:round" + round);
        }
        return "round " + round;
    }
}
