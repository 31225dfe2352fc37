using System.Diagnostics;

namespace AsyncGen.Tour.Sections;

/// <summary>Seed section 1: a future is a value that does nothing until polled.</summary>
internal static partial class FuturesAreLazy
{
    private static bool s_started;

    [PollAsync]
    public static async Future<int> DelayAdd(int a, int b)
    {
        s_started = true;
        await Time.Sleep(TimeSpan.FromMilliseconds(500));
        return a + b;
    }

    public static void Run()
    {
        Heading.Print("1. Futures are lazy");
        var future = DelayAdd(1, 2);
        Console.WriteLine($"   DelayAdd(1, 2) returned a {FriendlyName(future.GetType())}; has its body started? {s_started}");
        var clock = Stopwatch.StartNew();
        int sum = Executor.BlockOn(future);
        Console.WriteLine($"   Executor.BlockOn polled it: result {sum} after {clock.ElapsedMilliseconds} ms; body started? {s_started}");
        Console.WriteLine();
    }

    private static string FriendlyName(Type type) =>
        type.IsGenericType ? $"{type.Name[..type.Name.IndexOf('`')]}<{string.Join(", ", type.GetGenericArguments().Select(FriendlyName))}>" : type.Name;
}
