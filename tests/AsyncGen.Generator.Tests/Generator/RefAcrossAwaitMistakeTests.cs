using AsyncGen.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace AsyncGen.Generator.Tests.Generator;

/// <summary>
/// Ref locals, spans and handlers a newcomer keeps across an await, which C# rejects in any async method: the user
/// sees errors at their own code only (the generated files add none): AG0003 at the variable, and the compiler's own
/// error when the assembly is emitted (CS4007, CS9217, CS8178 come from C#'s async lowering).
/// </summary>
public class RefAcrossAwaitMistakeTests
{
    [Theory]
    [InlineData("int[] a = { 1 }; ref var slot = ref a[0]; await Task.Yield(); slot++; return a[0];", "CS9217", "slot")]
    [InlineData("int[] a = { 1 }; ref readonly var view = ref a[0]; await Task.Yield(); return view;", "CS9217", "view")]
    [InlineData("Span<int> s = stackalloc int[2]; await Task.Yield(); return s.Length;", "CS4007", "s")]
    [InlineData("ReadOnlySpan<char> t = \"ab\"; var n = await Task.FromResult(1); return t.Length + n;", "CS4007", "t")]
    [InlineData("var h = new System.Runtime.CompilerServices.DefaultInterpolatedStringHandler(0, 1); h.AppendFormatted(1); await Task.Yield(); return h.ToStringAndClear().Length;", "CS4007", "h")]
    [InlineData("return Sum(stackalloc int[] { 1, 2 }, await Task.FromResult(3));", "CS4007", "stackalloc int[] { 1, 2 }")]
    [InlineData("int[] a = { 1 }; Slot(a) += await Task.FromResult(2); return a[0];", "CS8178", null)]
    public void Only_the_users_code_has_errors(string body, string compilerError, string? variable)
    {
        var source = "using System;\nusing System.Threading.Tasks;\nusing AsyncGen;\n\npublic static partial class Sample\n{\n" +
                     "    private static ref int Slot(int[] a) => ref a[0];\n" +
                     "    private static int Sum(ReadOnlySpan<int> s, int more) => s.Length + more;\n\n" +
                     "    [PollAsync]\n    public static async Future<int> Work()\n    {\n        " + body + "\n    }\n}\n";
        var run = GeneratorHarness.Run(source, "Sample.cs");

        var emitErrors = run.Output.Emit(new MemoryStream()).Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.Contains(emitErrors, e => e.Id == compilerError);
        Assert.All(emitErrors, e => Assert.Equal("Sample.cs", e.Location.SourceTree?.FilePath));
        if (variable is not null)
        {
            var ours = Assert.Single(run.GeneratorDiagnostics);
            Assert.Equal("AG0003", ours.Id);
            Assert.Contains($"'{variable}'", ours.GetMessage(), StringComparison.Ordinal);
        }
        else Assert.Empty(run.GeneratorDiagnostics);
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id == "AG0007");
        Assert.DoesNotContain(run.Output.GetDiagnostics(), d => d.Id is "CS8785");
        Assert.All(run.Errors, e => Assert.Equal("Sample.cs", e.Location.SourceTree?.FilePath));
    }

    /// <summary>
    /// A span loop whose body awaits keeps the span's enumerator across the await (C#: CS4007). The fallback's header
    /// quotes the statement, several lines: each is a comment line (it broke the generated file, CS1002 and others).
    /// Only the collection awaiting, the loop stays C# and compiles (Newcomer TypeAndPatternRoundFourTests).
    /// </summary>
    [Fact]
    public void A_span_loop_whose_body_awaits_is_AG0003_and_the_generated_file_quoting_it_compiles()
    {
        var source = "using System;\nusing System.Threading.Tasks;\nusing AsyncGen;\n\npublic static partial class Sample\n{\n" +
                     "    [PollAsync]\n    public static async Future<int> Work(string text)\n    {\n" +
                     "        var n = 0;\n        foreach (var c in text.AsSpan())\n        {\n            n += await Task.FromResult((int)c);\n        }\n        return n;\n    }\n\n" +
                     "    [PollAsync]\n    public static async Future<int> Count(Func<Task<string>> load)\n    {\n" +
                     "        var n = 0;\n        foreach (var c in (await load()).AsSpan())\n            if (c == 'a') n++;\n        return n;\n    }\n}\n";
        var run = GeneratorHarness.Run(source, "Sample.cs");

        var ours = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("AG0003", ours.Id);
        Assert.Equal(10, ours.Location.GetLineSpan().StartLinePosition.Line);
        Assert.All(run.Errors, e => Assert.Equal("Sample.cs", e.Location.SourceTree?.FilePath));
        var emitErrors = run.Output.Emit(new MemoryStream()).Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.Contains(emitErrors, e => e.Id == "CS4007");
        Assert.All(emitErrors, e => Assert.Equal("Sample.cs", e.Location.SourceTree?.FilePath));
    }
}
