namespace AsyncGen.Tour.Sections;

/// <summary>Seed section 4: an executor polls ready tasks, parks the pending ones, re-polls them when woken.</summary>
internal static partial class ExecutorLoop
{
    [PollAsync]
    private static async Future<int> Worker(string name, int naps)
    {
        for (int nap = 1; nap <= naps; nap++)
        {
            Console.WriteLine($"   {name}: polled, step {nap} of {naps}, now sleeping {10 * nap} ms");
            await Time.Sleep(TimeSpan.FromMilliseconds(10 * nap));
        }
        Console.WriteLine($"   {name}: done");
        return naps;
    }

    public static void Run()
    {
        Heading.Print("4. The executor loop: three tasks on one thread");
        using var executor = new LocalExecutor();
        executor.Spawn(Worker("A", 3));
        executor.Spawn(Worker("B", 2));
        executor.Spawn(Worker("C", 1));
        executor.Run();
        Console.WriteLine("   every line above ran on one thread; between them the executor slept until the next timer");
        Console.WriteLine();
    }
}
