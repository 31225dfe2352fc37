using AsyncGen.Generator.Tests.Infrastructure;

namespace AsyncGen.Generator.Tests.Generator;

/// <summary>
/// Mistakes C# itself rejects in any async method, made in a [PollAsync] method: the user sees the compiler's own
/// error, once, at their code, and nothing from the generated files on top of it.
/// </summary>
public class NewcomerMistakeTests
{
    [Theory]
    [InlineData("ref int total", "CS1988")]
    [InlineData("out int total", "CS1988")]
    [InlineData("in int total", "CS1988")]
    [InlineData("System.Span<int> values", "CS4012")]
    public void A_parameter_async_methods_cannot_take_gets_only_the_compilers_error(string parameter, string error)
    {
        var run = GeneratorHarness.Run($$"""
            using System.Threading.Tasks;
            using AsyncGen;

            public static partial class Sample
            {
                [PollAsync]
                public static async Future<int> Work({{parameter}})
                {
                    await Task.Yield();
                    return 1;
                }

                public static Future<int> Caller() => Work(default!);
            }
            """, "Sample.cs");
        Assert.DoesNotContain(run.Output.GetDiagnostics(), d => d.Id is "CS8785");
        var errors = run.Errors.Where(e => e.Id != "CS1620" && e.Id != "CS8156" && e.Id != "CS0206" && e.Id != "CS1510").ToList();
        Assert.All(errors, e => Assert.Equal("Sample.cs", e.Location.SourceTree?.FilePath));
        Assert.Contains(errors, e => e.Id == error);
    }
}
