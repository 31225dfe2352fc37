namespace AsyncGen.Hosting;

/// <summary>Settings of the executor that <see cref="AsyncGenServiceCollectionExtensions.AddAsyncGen"/> registers.</summary>
public sealed class AsyncGenOptions
{
    /// <summary>Worker threads of the <see cref="WorkStealingExecutor"/>; 0 (the default) means one per processor.</summary>
    public int WorkerCount { get; set; }
}
