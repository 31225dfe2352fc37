using AsyncGen.Generator.Tests.Differential;
using Xunit.Abstractions;

namespace AsyncGen.Generator.Tests.Smoke;

public class DebugTests(ITestOutputHelper output)
{
    [Fact]
    public void RunOne()
    {
        var name = Environment.GetEnvironmentVariable("DEBUG_PROGRAM") ?? "P_TaskAwait";
        var log = new List<string>();
        var future = (IFuture<string>)ProgramRunner.Start(CompiledWorlds.Instance.Value.Generated, name, log);
        var poller = new ManualPoller();
        var result = Task.Run(() => poller.Drive(future, 50)).Result;
        output.WriteLine($"polls {result.Polls} finished {result.Finished}");
        foreach (var l in log) output.WriteLine(l);
    }
}
