using AsyncGen.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace AsyncGen.Generator.Tests.Generator;

/// <summary>
/// Awaits C# itself rejects (inside <c>lock</c>: CS1996; in an unsafe context: CS4004): the generator does not
/// crash (no AG0007, no CS8785) and its own diagnostic, if any, points at the same await as the compiler's error.
/// </summary>
public class RejectedByCSharpTests
{
    [Theory]
    [InlineData("lock (Gate) { await Task.Yield(); } return 1;", "CS1996")]
    [InlineData("lock (Gate) { var x = 1; x += await Task.FromResult(2); return x; }", "CS1996")]
    [InlineData("unsafe { int v = 1; int* p = &v; await Task.Yield(); return *p; }", "CS4004")]
    [InlineData("int[] data = { 1 }; unsafe { fixed (int* p = data) { await Task.Yield(); } } return 1;", "CS4004")]
    public void The_generator_reports_no_worse_than_the_compiler(string body, string compilerError)
    {
        var source = "using System;\nusing System.Threading.Tasks;\nusing AsyncGen;\n\npublic static partial class Sample\n{\n" +
                     "    private static readonly object Gate = new();\n\n    [PollAsync]\n    public static async Future<int> Work()\n    {\n        " +
                     body + "\n    }\n}\n";
        var run = GeneratorHarness.Run(source, "Sample.cs");

        var error = Assert.Single(run.Input.GetDiagnostics(), d => d.Id == compilerError);
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id == "AG0007");
        Assert.DoesNotContain(run.Output.GetDiagnostics(), d => d.Id is "CS8785");
        var ours = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("AG0005", ours.Id);
        Assert.Equal(error.Location.SourceSpan, ours.Location.SourceSpan);
        // The generated files add no error of their own: the user's error is the only one to fix.
        Assert.All(run.Errors, e => Assert.Equal("Sample.cs", e.Location.SourceTree?.FilePath));
    }

    [Fact]
    public void An_unsafe_async_method_gets_the_compiler_error_and_no_crash()
    {
        var source = "using System;\nusing System.Threading.Tasks;\nusing AsyncGen;\n\npublic static partial class Sample\n{\n" +
                     "    [PollAsync]\n    public static unsafe async Future<int> Work()\n    {\n        await Task.Yield();\n        return 1;\n    }\n}\n";
        var run = GeneratorHarness.Run(source, "Sample.cs");

        Assert.Contains(run.Input.GetDiagnostics(), d => d.Id == "CS4004");
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id == "AG0007");
        Assert.DoesNotContain(run.Output.GetDiagnostics(), d => d.Id is "CS8785");
        Assert.All(run.Errors, e => Assert.Equal("Sample.cs", e.Location.SourceTree?.FilePath));
    }
}
