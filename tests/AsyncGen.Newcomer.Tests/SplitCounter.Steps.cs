namespace AsyncGen.Newcomer.Tests;

public sealed partial class SplitCounter
{
    /// <summary>Adds <paramref name="by"/> after an await and returns the new value and the instances created.</summary>
    [PollAsync]
    public async Future<string> Step(List<string> log, int by)
    {
        log.Add("step " + by);
        await Future.Yield();
        Value += by;
        return $"{Value}/{Created}";
    }

    /// <summary>The same as <c>async Task</c>.</summary>
    public async Task<string> StepTask(List<string> log, int by)
    {
        log.Add("step " + by);
        await Task.Yield();
        Value += by;
        return $"{Value}/{Created}";
    }
}
