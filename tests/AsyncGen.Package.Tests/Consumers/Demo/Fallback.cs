using AsyncGen;

// A [PollAsync] method used as a method group: calls through the delegate cannot be intercepted and run on the
// fallback builder. The build warns (AG0006); strict mode (-p:AsyncGenStrict=true) makes it an error.
public static partial class Fallback
{
    [PollAsync]
    public static async Future<int> Twice(int x)
    {
        await Future.Yield();
        return 2 * x;
    }

    public static Func<int, Future<int>> AsDelegate() => Twice;
}
