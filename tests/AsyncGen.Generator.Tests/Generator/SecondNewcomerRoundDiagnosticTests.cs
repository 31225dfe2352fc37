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
    [InlineData("public sealed class Order { public required string Id { get; set; } }",
        "new Order { Id = await Task.FromResult(\"o-1\") }", "new Order { Id = await Task.FromResult(\"o-1\") }", "required members")]
    public void An_awaiting_object_initializer_of_an_init_only_or_required_member_is_AG0005(string type, string creation, string at, string message)
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
