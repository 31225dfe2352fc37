using AsyncGen;

var future = Demo.DelayAdd(1, 2);                // lazy: nothing has run yet
int sum = Executor.BlockOn(future);              // polls it to completion on this thread
Console.WriteLine($"DelayAdd(1, 2) = {sum}");
Console.WriteLine($"ran as {future.GetType()}");

public static partial class Demo                 // a type holding [PollAsync] methods must be partial
{
    [PollAsync]
    public static async Future<int> DelayAdd(int a, int b)
    {
        await Time.Sleep(TimeSpan.FromMilliseconds(50)); // any IFuture<T>, [PollAsync] call, Task or ValueTask
        return a + b;
    }
}
