// A lambda with a `default` parameter value of a type parameter (`(T? x = default) => ...`) of a per-iteration
// variable in a generic method: its synthesized delegate type writes the default as `default` (`null` does not
// convert to an unconstrained T: CS1750). Review 3, finding 3.

public static partial class P_SdTypeParameterDefaultOfLoopLambda
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        log.Add(await Texts<string>("s"));
        log.Add(await Texts<int>(3));
        return await Texts<int?>(null);
    }

    [PollAsync]
    private static async Future<string> Texts<T>(T seed)
    {
        var text = "";
        foreach (var item in new[] { 1, 2 })
        {
            await Ops.Yield();
            var describe = (T? x = default) => x is null ? "null" + item : x.ToString() + item;
            text += describe() + "," + describe(seed) + ";";
            await Ops.Yield();
        }
        return text;
    }
}
