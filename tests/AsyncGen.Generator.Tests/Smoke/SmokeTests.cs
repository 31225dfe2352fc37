using Xunit.Abstractions;
using AsyncGen.Generator.Tests.Infrastructure;

namespace AsyncGen.Generator.Tests.Smoke;

public class SmokeTests(ITestOutputHelper output)
{
    [Fact]
    public void Dump()
    {
        var source = File.ReadAllText(Environment.GetEnvironmentVariable("SMOKE_FILE") ?? "/tmp/smoke.cs");
        var run = GeneratorHarness.Run(source);
        foreach (var s in run.Sources) output.WriteLine("// ==== " + s.Key + "\n" + s.Value);
        foreach (var d in run.GeneratorDiagnostics) output.WriteLine("GEN: " + d);
        foreach (var d in run.Errors) output.WriteLine("ERR: " + d);
        Assert.Empty(run.Errors);
    }
}
