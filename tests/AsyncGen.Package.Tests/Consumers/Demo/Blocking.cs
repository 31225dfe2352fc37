using AsyncGen;

// A mistake the analyzers must report in the build output (AG0100): a blocking call inside a [PollAsync] method
// stalls the executor thread and every task on it.
public static partial class Blocking
{
    [PollAsync]
    public static async Future<int> SleepyAdd(int a, int b)
    {
        Thread.Sleep(10);
        await Time.Sleep(TimeSpan.FromMilliseconds(1));
        return a + b;
    }
}
