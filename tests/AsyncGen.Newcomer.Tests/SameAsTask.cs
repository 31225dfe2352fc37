namespace AsyncGen.Newcomer.Tests;

/// <summary>
/// Runs one program twice, written once with <c>[PollAsync] async Future</c> and once as the same text with
/// <c>async Task</c>, and asserts the same outcome (the value, or the exception's type and message) and the same
/// side effects in the same order (the log each writes).
/// </summary>
internal static class SameAsTask
{
    public static async Task Same(Func<List<string>, Future<string>> future, Func<List<string>, Task<string>> task)
    {
        var taskLog = new List<string>();
        string taskOutcome;
        try { taskOutcome = await task(taskLog); }
        catch (Exception e) { taskOutcome = Describe(e); }

        var futureLog = new List<string>();
        string futureOutcome;
        try { futureOutcome = Executor.BlockOn(future(futureLog)); }
        catch (Exception e) { futureOutcome = Describe(e); }

        Assert.Equal(taskOutcome, futureOutcome);
        Assert.Equal(taskLog, futureLog);
    }

    private static string Describe(Exception e) => $"threw {e.GetType().Name}: {e.Message}";
}
