using AsyncGen.Generator.Tests.Differential;
using AsyncGen.Generator.Tests.Infrastructure;

namespace AsyncGen.Generator.Tests.Generator;

/// <summary>The generator never throws, whatever half-typed code the IDE hands it.</summary>
public class RobustnessTests
{
    private static void AssertGeneratorSurvives(string source)
    {
        // A generator exception is what the compiler reports as CS8785; checking it directly skips binding the output.
        var result = GeneratorHarness.CreateDriver().RunGenerators(GeneratorHarness.Compile(source, "Broken.cs")).GetRunResult();
        Assert.True(result.Results.Single().Exception is null, result.Results.Single().Exception?.ToString());
        Assert.DoesNotContain(result.Diagnostics, d => d.Id is "AG0007" or "CS8785");
    }

    [Fact]
    public void Programs_truncated_at_200_points_never_crash_the_generator()
    {
        var source = string.Join("\n", ProgramSet.Files.Take(1).Select(f => f.Source));
        var random = new Random(1234); // fixed seed: the same 200 cuts on every run
        for (var i = 0; i < 200; i++)
            AssertGeneratorSurvives("using System;\nusing System.Collections.Generic;\nusing System.Threading.Tasks;\nusing AsyncGen;\n" +
                                    source.Substring(0, random.Next(source.Length)));
    }

    [Theory]
    [InlineData("public static partial class C { [PollAsync] public static async Future<int> M( { await; } }")]
    [InlineData("public static partial class C { [PollAsync] public static async Future<int> M() { var x = await ; return x } }")]
    [InlineData("public static partial class C { [PollAsync] public static async Future<Missing> M() { await Unknown(); return default; } }")]
    [InlineData("public static partial class C { [PollAsync] public static async Future<int> M() { if (await) { } } }")]
    [InlineData("public static partial class C { [PollAsync] async Future M() { foreach (var in ) await x; } }")]
    [InlineData("[PollAsync] public static async Future<int> TopLevel() { await System.Threading.Tasks.Task.Yield(); return 1; }")]
    [InlineData("public static partial class C { [PollAsync] public static async Future<int> M() { try { await X(); } catch { } finally { } } }")]
    public void Syntactically_broken_inputs_never_crash_the_generator(string body) =>
        AssertGeneratorSurvives("using System;\nusing AsyncGen;\n" + body);
}
