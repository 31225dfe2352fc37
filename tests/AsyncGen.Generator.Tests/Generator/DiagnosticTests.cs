using AsyncGen.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace AsyncGen.Generator.Tests.Generator;

/// <summary>Each diagnostic fires at the exact node, names what is wrong, and links to its docs page.</summary>
public class DiagnosticTests
{
    private static Diagnostic Single(string members, string typeDeclaration = "public static partial class Sample", string usings = "")
    {
        var source = "using System;\nusing System.Threading.Tasks;\nusing AsyncGen;\n" + usings + "\n" + typeDeclaration + "\n{\n" + members + "\n}\n";
        var run = GeneratorHarness.Run(source, "Sample.cs");
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal($"https://github.com/asyncgen/asyncgen/blob/main/docs/rules/{diagnostic.Id}.md", diagnostic.Descriptor.HelpLinkUri);
        Assert.DoesNotContain(run.Output.GetDiagnostics(), d => d.Id is "CS8785");
        return diagnostic;
    }

    private static string At(Diagnostic diagnostic) => diagnostic.Location.SourceTree!.GetText().ToString(diagnostic.Location.SourceSpan);

    [Fact]
    public void AG0001_containing_type_not_partial_names_the_type()
    {
        var diagnostic = Single("""
                [PollAsync]
                public static async Future<int> Work() { await Task.Yield(); return 1; }
            """, "public static class Plain");
        Assert.Equal("AG0001", diagnostic.Id);
        Assert.Contains("'Plain'", diagnostic.GetMessage(), StringComparison.Ordinal);
        Assert.Equal("Work", At(diagnostic));
    }

    [Fact]
    public void AG0002_return_type_must_be_Future()
    {
        var diagnostic = Single("""
                [PollAsync]
                public static async Task<int> Work() { await Task.Yield(); return 1; }
            """);
        Assert.Equal("AG0002", diagnostic.Id);
        Assert.Equal("Task<int>", At(diagnostic));
    }

    [Fact]
    public void AG0003_span_local_alive_across_await()
    {
        var diagnostic = Single("""
                [PollAsync]
                public static async Future<int> Work(int[] data)
                {
                    Span<int> span = data;
                    await Task.Yield();
                    return span.Length;
                }
            """);
        Assert.Equal("AG0003", diagnostic.Id);
        Assert.Contains("span", At(diagnostic), StringComparison.Ordinal);
    }

    [Fact]
    public void AG0004_method_is_not_async()
    {
        var diagnostic = Single("""
                [PollAsync]
                public static Future<int> Work() => null!;
            """);
        Assert.Equal("AG0004", diagnostic.Id);
        Assert.Equal("Work", At(diagnostic));
    }

    [Theory]
    [InlineData("checked { int x = await Task.FromResult(1); x += new int[2].AsSpan() is var s ? s.Length : 1; s[0] = x; return x; }", "declares the variable 's' of the ref struct type 'System.Span<int>', inside a checked block that awaits")]
    [InlineData("var scale = (double x = double.NaN) => x;\n        await Task.Yield();\n        return double.IsNaN(scale()) ? 1 : 0;", "kept across an await in a 'var' local, whose signature mentions an anonymous type or has a default value C# cannot write as a constant (such as NaN)")]
    [InlineData("var add = (ref int x) => x++;\n        var twice = Twice((ref int x) => x += 2);\n        await Task.Yield();\n        var n = 0;\n        add(ref n);\n        return n;", "that is not stored in a 'var' local kept across an await, while such a local has that type")]
    [InlineData("var errors = new System.Collections.Generic.List<System.Func<string>>();\n        for (var i = 0; i < 2; i++) { try { await Task.Yield(); throw new System.Exception(); } catch (System.Exception e) { void Show() => errors.Add(() => e.Message); try { } finally { Show(); } } }\n        return errors.Count;", "a lambda capturing the catch variable 'e' in a loop, read by a local function that a finally block calls")]
    [InlineData("foreach (var item in new[] { 1, 2 }) { await Task.Yield(); var make = (double x = double.NaN) => x + item; make(); }\n        return 1;", "a lambda whose delegate type C# synthesizes with a parameter of an anonymous type or a default value C# cannot write (such as NaN)")]
    [InlineData("var run = (int x = 1) => x + 1;\n        var op = new { Name = \"inc\", Run = run };\n        await Task.Yield();\n        return op.Run() + op.Run(5);", "a value of an anonymous type with a member of a lambda's synthesized delegate type")]
    public void AG0005_unsupported_construct_is_named_and_falls_back(string body, string construct)
    {
        var diagnostic = Single($$"""
                private static readonly object gate = new();
                private static async System.Collections.Generic.IAsyncEnumerable<int> Items() { await Task.Yield(); yield return 1; }
                private sealed class Disposable : IAsyncDisposable { public ValueTask DisposeAsync() => default; }
                private static T Twice<T>(T step) => step;

                [PollAsync]
                public static async Future<int> Work()
                {
                    {{body}}
                }
            """);
        Assert.Equal("AG0005", diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Warning, diagnostic.Severity);
        Assert.Contains(construct, diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void AG0005_at_an_awaited_join_after_a_let_in_a_query_reading_a_per_iteration_variable()
    {
        var diagnostic = Single("""
                [PollAsync]
                public static async Future<int> Work(Task<int[]> orders)
                {
                    var total = 0;
                    foreach (var item in new[] { 1, 2 })
                    {
                        await Task.Yield();
                        var sizes = new[] { item };
                        Func<int> first = () => sizes[0];
                        var rows = from c in sizes let d = c + first() join o in await orders on d equals o select c;
                        total += rows.Count();
                    }
                    return total;
                }
            """, usings: "using System.Linq;\n");
        Assert.Equal("AG0005", diagnostic.Id);
        Assert.Contains("in a query reading a variable of which each iteration of a loop that awaits has its own", diagnostic.GetMessage(), StringComparison.Ordinal);
        Assert.Equal("await orders", At(diagnostic));
    }

    [Fact]
    public void AG0006_method_group_warns()
    {
        var diagnostic = Single("""
                [PollAsync]
                public static async Future<int> Work() { await Task.Yield(); return 1; }

                public static Func<Future<int>> AsDelegate() => Work;
            """);
        Assert.Equal("AG0006", diagnostic.Id);
        Assert.Equal("Work", At(diagnostic));
    }

    private const string Sensor = """
            public sealed class Sensor { public int Level { get; set; } public int Spare { get; set; } public Memory<int> Data { get; set; } }
        """;

    [Fact]
    public void AG0010_a_read_the_decision_DAG_may_skip_after_an_awaiting_guard_is_reported_at_the_label()
    {
        var diagnostic = Single(Sensor + """
                [PollAsync]
                public static async Future<string> Route(Sensor s, Func<Task<bool>> check)
                {
                    switch (s)
                    {
                        case { Level: 1 } when await check(): return "guarded";
                        case { Spare: 4 } or { Level: 1 }: return "either";
                        default: return "none";
                    }
                }
            """);
        Assert.Equal("AG0010", diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Warning, diagnostic.Severity);
        Assert.Equal("{ Spare: 4 } or { Level: 1 }", At(diagnostic));
        Assert.Contains("reads 'Spare' before testing 'Level'", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void AG0010_a_ref_struct_read_again_by_each_label_is_reported_at_the_second_label()
    {
        var diagnostic = Single(Sensor + """
                [PollAsync]
                public static async Future<string> Route(Sensor s, Func<Task<bool>> check)
                {
                    switch (s)
                    {
                        case { Data.Span.Length: 1 } when await check(): return "guarded";
                        case { Data.Span.Length: 2 }: return "two";
                        default: return "none";
                    }
                }
            """);
        Assert.Equal("AG0010", diagnostic.Id);
        Assert.Equal("{ Data.Span.Length: 2 }", At(diagnostic));
        Assert.Contains("'Span' is a ref struct", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void AG0010_is_not_reported_when_labels_read_as_CSharp_does()
    {
        var run = GeneratorHarness.Run("using System;\nusing System.Threading.Tasks;\nusing AsyncGen;\npublic static partial class Sample\n{\n" + Sensor + """
                [PollAsync]
                public static async Future<string> Route(Sensor s, Func<Task<bool>> check)
                {
                    switch ((s, 1))
                    {
                        case ({ Level: 1 }, 1) when await check(): return "guarded";
                        case ({ Level: 1, Spare: 4 }, _): return "both";
                        case ({ Level: 2 } or { Spare: 3 }, _): return "either";
                        default: return "none";
                    }
                }
            """ + "\n}\n", "Sample.cs").AssertCompiles();
        Assert.Empty(run.GeneratorDiagnostics);
    }

    [Fact]
    public void AG0010_ITuple_items_an_or_reads_out_of_index_order_are_reported_at_that_label()
    {
        // Review R5: on (1, 2), C# reads [0] then [1] for the first label; the generated condition reads [1] first.
        var run = GeneratorHarness.Run("using System;\nusing System.Threading.Tasks;\nusing AsyncGen;\npublic static partial class Sample\n{\n" + """
                [PollAsync]
                public static async Future<string> Route(object o, Func<Task<bool>> check)
                {
                    switch (o)
                    {
                        case (_, 2) or (1, _) when await check(): return "a";
                        case (1, _) or (_, 3): return "b";
                        default: return "z";
                    }
                }
            """ + "\n}\n", "Sample.cs").AssertCompiles();
        var first = Assert.Single(run.GeneratorDiagnostics, d => At(d) == "(_, 2) or (1, _)");
        Assert.Equal("AG0010", first.Id);
        Assert.Contains("reads item '[1]' of an ITuple before item '[0]'", first.GetMessage(), StringComparison.Ordinal);
    }
}
