// A lambda with a ref parameter (C# synthesizes its delegate type) capturing a per-iteration variable of a loop that
// awaits is created by a wrapper whose type is the machine's stand-in for the synthesized one: when another lambda
// of the method has the same synthesized type without a wrapper, the two must stay one type (review finding 13), so
// the method keeps the fallback builder (AG0005). Two wrapped lambdas share the stand-in and keep the machine.

public static partial class P_SdUnwrappedTwinKeepsTheFallback
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var r = "";
        foreach (var item in new[] { 1, 2 })
        {
            await Ops.Yield();
            var step = (ref int x) => x += item;
            var other = (ref int x) => x *= 2;
            int v = 1;
            var both = step + other;
            both(ref v);
            r += v + ";" + (step.GetType() == other.GetType()) + ";";
        }
        return r;
    }
}

public static partial class P_SdWrappedTwinsShareTheStandIn
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var r = "";
        foreach (var item in new[] { 1, 2 })
        {
            await Ops.Yield();
            var step = (ref int x) => x += item;
            var twice = (ref int x) => x *= 2 * item;
            int v = 1;
            var both = step + twice;
            both(ref v);
            r += v + ";" + (step.GetType() == twice.GetType()) + ";";
        }
        return r;
    }
}
