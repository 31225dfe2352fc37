using AsyncGen.Generator.Tests.Differential;
using AsyncGen.Generator.Tests.Infrastructure;
using Xunit.Abstractions;

namespace AsyncGen.Generator.Tests.Smoke;

public class SmokeTests(ITestOutputHelper output)
{
    [Fact]
    public void Dump()
    {
        var filter = Environment.GetEnvironmentVariable("SMOKE_FILTER") ?? "";
        var run = GeneratorHarness.Run(GeneratorHarness.Compile((ProgramSet.Combined(false), "Programs.cs"), (Worlds.FutureOps, "Ops.cs")));
        foreach (var s in run.Sources.Where(s => filter.Length > 0 && s.Key.Contains(filter)))
            output.WriteLine("// ==== " + s.Key + "\n" + string.Join("\n", s.Value.Split('\n').Select((l, i) => $"{i + 1,4} {l}")));
        foreach (var d in run.GeneratorDiagnostics) output.WriteLine("GEN: " + d);
        foreach (var d in run.Errors) output.WriteLine("ERR: " + d + " :: " + d.Location.SourceTree?.FilePath + " " + d.Location.GetMappedLineSpan());
        Assert.Empty(run.Errors);
    }
}
