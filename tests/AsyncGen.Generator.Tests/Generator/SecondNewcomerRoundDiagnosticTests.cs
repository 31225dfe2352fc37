using AsyncGen.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace AsyncGen.Generator.Tests.Generator;

/// <summary>
/// Programs of the second newcomer round (tests/AsyncGen.Newcomer.Tests) that C# accepts in an <c>async Task</c> but
/// that the generator cannot lower: each gets AG0005 at the construct, saying what to write, and the generated code
/// compiles (before the fix, each was a build error in generated code).
/// </summary>
public class SecondNewcomerRoundDiagnosticTests
{
    private static Diagnostic SingleAg0005(string source)
    {
        var run = GeneratorHarness.Run(source, "Sample.cs");
        Assert.Empty(run.Output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("AG0005", diagnostic.Id);
        return diagnostic;
    }

    private static string At(Diagnostic diagnostic) => diagnostic.Location.SourceTree!.GetText().ToString(diagnostic.Location.SourceSpan);

    [Fact]
    public void An_explicit_interface_implementation_is_AG0005_at_its_name()
    {
        var diagnostic = SingleAg0005("""
            using System.Threading.Tasks;
            using AsyncGen;

            public interface IGreeter { Future<string> Greet(string name); }

            public sealed partial class Polite : IGreeter
            {
                [PollAsync]
                async Future<string> IGreeter.Greet(string name)
                {
                    await Task.Yield();
                    return "Dear " + name;
                }

                public static Future<string> Call(IGreeter greeter) => greeter.Greet("Ada");
            }
            """);
        Assert.Equal("Greet", At(diagnostic));
        Assert.Contains("explicit interface implementation", diagnostic.GetMessage(), StringComparison.Ordinal);
        Assert.Contains("return a call of a [PollAsync] method", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("&&", "operator false")]
    [InlineData("||", "operator true")]
    public void A_user_defined_short_circuit_operator_whose_right_operand_awaits_is_AG0005_at_the_operator(string op, string test)
    {
        var diagnostic = SingleAg0005($$"""
            using System.Threading.Tasks;
            using AsyncGen;

            public readonly struct Tri
            {
                private readonly int _value;
                public Tri(int value) => _value = value;
                public static bool operator true(Tri t) => t._value > 0;
                public static bool operator false(Tri t) => t._value < 0;
                public static Tri operator &(Tri a, Tri b) => new(System.Math.Min(a._value, b._value));
                public static Tri operator |(Tri a, Tri b) => new(System.Math.Max(a._value, b._value));
            }

            public static partial class Sample
            {
                [PollAsync]
                public static async Future<Tri> Combine(Tri left)
                {
                    return left {{op}} await Task.FromResult(new Tri(1));
                }
            }
            """);
        Assert.Equal($"left {op} await Task.FromResult(new Tri(1))", At(diagnostic));
        Assert.Contains($"user-defined '{op}' of 'Tri'", diagnostic.GetMessage(), StringComparison.Ordinal);
        Assert.Contains(test, diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("public sealed class Order { public string Id { get; init; } = \"\"; public int Lines { get; set; } }",
        "new Order { Lines = 1, Id = await Task.FromResult(\"o-1\") }", "Id = await Task.FromResult(\"o-1\")", "init-only 'Id'")]
    [InlineData("public readonly record struct Order(int Lines = 0) { public string Id { get; init; } = \"\"; }",
        "new() { Id = await Task.FromResult(\"o-1\") }", "Id = await Task.FromResult(\"o-1\")", "init-only 'Id'")]
    [InlineData("public sealed class Order { private readonly string[] _v = new string[2]; public string this[int i] { get => _v[i]; init => _v[i] = value; } public string Id => _v[1]; }",
        "new Order { [0] = \"a\", [1] = await Task.FromResult(\"o-1\") }", "[0] = \"a\"", "init-only indexer 'this[int]'")]
    [InlineData("public sealed class Order { public required string Id { get; set; } }",
        "new Order { Id = await Task.FromResult(\"o-1\") }", "new Order { Id = await Task.FromResult(\"o-1\") }", "required members")]
    public void An_awaiting_object_initializer_of_an_init_only_or_required_member_or_indexer_is_AG0005(string type, string creation, string at, string message)
    {
        var diagnostic = SingleAg0005($$"""
            using System.Threading.Tasks;
            using AsyncGen;

            {{type}}

            public static partial class Sample
            {
                [PollAsync]
                public static async Future<string> Make()
                {
                    Order order = {{creation}};
                    return order.Id;
                }
            }
            """);
        Assert.Equal(at, At(diagnostic));
        Assert.Contains(message, diagnostic.GetMessage(), StringComparison.Ordinal);
        Assert.Contains("await the values into locals first", diagnostic.GetMessage(), StringComparison.Ordinal);
    }
}

public class AnonymousTypeArgumentTests
{
    private const string Later = """
        using System.Threading.Tasks;
        using AsyncGen;

        public static partial class Sample
        {
            [PollAsync]
            public static async Future<T> Later<T>(T value)
            {
                await Task.Yield();
                return value;
            }

        """;

    [Theory]
    [InlineData("new { Id = 1 }")]
    [InlineData("(new { Id = 1 }, 2)")]
    [InlineData("new[] { new { Id = 1 } }")]
    public void Awaiting_a_PollAsync_call_with_an_anonymous_type_argument_is_AG0005_at_the_await(string value)
    {
        var run = GeneratorHarness.Run(Later + $$"""
                [PollAsync]
                public static async Future<string> Use()
                {
                    var item = await Later({{value}});
                    return item.ToString()!;
                }
            }
            """, "Sample.cs");
        Assert.Empty(run.Errors);
        // With the method on the fallback builder, its copy of the call is not intercepted either (AG0009 beside it).
        var diagnostic = Assert.Single(run.GeneratorDiagnostics, d => d.Id == "AG0005");
        Assert.All(run.GeneratorDiagnostics, d => Assert.Contains(d.Id, new[] { "AG0005", "AG0009" }));
        Assert.Equal($"await Later({value})", diagnostic.Location.SourceTree!.GetText().ToString(diagnostic.Location.SourceSpan));
        Assert.Contains("anonymous type argument", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void Calling_it_with_an_anonymous_type_argument_from_plain_code_is_AG0009_and_not_intercepted()
    {
        var run = GeneratorHarness.Run((Later + """
                public static Future<int[]> Plain() => Later(new[] { new { Id = 1 } }.Select(x => x.Id).ToArray());
                public static object Anonymous() => Later(new { Id = 1 });
            }
            """).Replace("using AsyncGen;", "using System.Linq;\nusing AsyncGen;"), "Sample.cs");
        Assert.Empty(run.Errors);
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("AG0009", diagnostic.Id);
        Assert.Equal("Later(new { Id = 1 })", diagnostic.Location.SourceTree!.GetText().ToString(diagnostic.Location.SourceSpan));
        Assert.Contains("anonymous type", diagnostic.GetMessage(), StringComparison.Ordinal);
    }
}
