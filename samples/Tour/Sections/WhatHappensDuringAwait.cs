using System.Diagnostics;

namespace AsyncGen.Tour.Sections;

/// <summary>Seed section 9: during an await the task is parked, the code after it waits, the thread is free.</summary>
internal static partial class WhatHappensDuringAwait
{
    private static readonly Stopwatch s_clock = new();

    private static void Log(string text) =>
        Console.WriteLine($"   [{s_clock.ElapsedMilliseconds,4} ms, thread {Environment.CurrentManagedThreadId}] {text}");

    [PollAsync]
    private static async Future Example()
    {
        Log("example: Start");
        await Time.Sleep(TimeSpan.FromMilliseconds(200)); // await a 200 ms timer
        Log("example: After await");
    }

    [PollAsync]
    private static async Future Other()
    {
        for (int i = 1; i <= 3; i++)
        {
            await Time.Sleep(TimeSpan.FromMilliseconds(50));
            Log($"other task: tick {i} (runs while example is parked)");
        }
    }

    /// <summary>Halfway through, lists the live tasks: each suspended one says where, down to the timer it waits on.</summary>
    [PollAsync]
    private static async Future DumpTasksMidway(LocalExecutor executor)
    {
        await Time.Sleep(TimeSpan.FromMilliseconds(120));
        Log("executor.DumpTasks():");
        foreach (var task in executor.DumpTasks()) Console.WriteLine($"      {task}");
    }

    public static void Run()
    {
        Heading.Print("9. What happens during await?");
        s_clock.Start();
        using var executor = new LocalExecutor();
        executor.Spawn(Example());
        executor.Spawn(Other());
        executor.Spawn(DumpTasksMidway(executor));
        executor.Run();
        Console.WriteLine("   'After await' waited for its timer; meanwhile the same thread ran the other task.");
        Console.WriteLine();
    }
}
