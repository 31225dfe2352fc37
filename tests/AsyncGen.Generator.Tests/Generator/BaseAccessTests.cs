using AsyncGen.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace AsyncGen.Generator.Tests.Generator;

/// <summary>
/// <c>base.</c> in a <c>[PollAsync]</c> method: each base member gets a private helper of the user's partial type making
/// the non-virtual call (behaviour: differential programs <c>60_BaseMemberAccess.cs</c>); the forms no helper can stand
/// for are AG0005 at the construct, never a call that reaches the override.
/// </summary>
public class BaseAccessTests
{
    private const string Usings = "using System;\nusing System.Threading.Tasks;\nusing AsyncGen;\n\n";

    private const string Base = """
        public class Ledger
        {
            public virtual int this[int i] { get => i; set { } }
            public virtual int Total(int a = -1, string s = "x\n", double d = 1.5, DayOfWeek day = DayOfWeek.Friday, decimal m = 2.5m, float f = float.NaN, long? n = null) => a;
            public virtual string Show<U>(U u) where U : struct, IComparable<U> => u.ToString()!;
        }

        """;

    [Fact]
    public void Helpers_are_private_hidden_from_the_editor_and_the_debugger_and_keep_defaults_and_constraints()
    {
        var run = GeneratorHarness.Run(Usings + Base + """
            public partial class Book : Ledger
            {
                public override int Total(int a = 5, string s = "y", double d = 0, DayOfWeek day = DayOfWeek.Monday, decimal m = 0, float f = 0, long? n = 1) => 0;

                [PollAsync]
                public async Future<string> Work()
                {
                    await Task.Yield();
                    return base.Total() + base.Show(3) + base.Total(2, d: 3);
                }
            }
            """).AssertCompiles();
        Assert.True(run.GeneratorDiagnostics.IsEmpty, string.Join("\n", run.GeneratorDiagnostics));
        var source = run.Source("WorkFuture");
        Assert.Contains("""private int __WorkFuture_base_Total(int a = -1, string s = "x\n", double d = 1.5d, global::System.DayOfWeek day = (global::System.DayOfWeek)(5), decimal m = 2.5m, float f = float.NaN, long? n = default) => base.Total(a, s, d, day, m, f, n);""", source, StringComparison.Ordinal);
        Assert.Contains("private string __WorkFuture_base_Show<U>(U u) where U : struct, global::System.IComparable<U> => base.Show<U>(u);", source, StringComparison.Ordinal);
        Assert.Matches(@"EditorBrowsableState.Never\)\]\n\s*\[global::System.Diagnostics.DebuggerHidden\]\n\s*private int __WorkFuture_base_Total\(", source);
        Assert.Contains("__this.__WorkFuture_base_Total() + __this.__WorkFuture_base_Show(3) + __this.__WorkFuture_base_Total(2, d: 3)", source, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_machines_of_one_type_each_get_their_own_helper()
    {
        GeneratorHarness.Run(Usings + Base + """
            public partial class Book : Ledger
            {
                [PollAsync]
                public async Future<int> First() { await Task.Yield(); return base[1]; }

                [PollAsync]
                public async Future<int> Second() { await Task.Yield(); return base[2]; }
            }
            """).AssertCompiles();
    }

    [Theory]
    [InlineData("base[1] += 2;", "base[1] += 2", "a base indexer assigned inside an expression or by a compound assignment")]
    [InlineData("base[1]++;", "base[1]", "a compound assignment, increment or ref of a base indexer")]
    [InlineData("var x = base[1] = 3;", "base[1] = 3", "a base indexer assigned inside an expression")]
    [InlineData("base[1] += await Task.FromResult(2);", "base[1] += await Task.FromResult(2)", "a base indexer assigned inside an expression or by a compound assignment")]
    public void Writes_of_a_base_indexer_other_than_an_assignment_statement_are_AG0005_at_the_write(string statement, string construct, string message)
    {
        var source = Usings + Base + "public partial class Book : Ledger\n{\n    [PollAsync]\n    public async Future<int> Work()\n    {\n        await Task.Yield();\n        " +
                     statement + "\n        return 0;\n    }\n}\n";
        var run = GeneratorHarness.Run(source).AssertCompiles();
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("AG0005", diagnostic.Id);
        Assert.Contains(message, diagnostic.GetMessage(), StringComparison.Ordinal);
        Assert.Contains("'var item = base[i];'", diagnostic.GetMessage(), StringComparison.Ordinal);
        Assert.Equal(construct, source.Substring(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length));
    }

    [Fact]
    public void A_base_method_whose_type_parameter_has_the_name_of_the_types_is_AG0005_at_the_call()
    {
        var source = Usings + Base + """
            public partial class Book<U> : Ledger
            {
                [PollAsync]
                public async Future<string> Work() { await Task.Yield(); return base.Show(3); }
            }
            """;
        var diagnostic = Assert.Single(GeneratorHarness.Run(source).AssertCompiles().GeneratorDiagnostics);
        Assert.Equal("AG0005", diagnostic.Id);
        Assert.Contains("type parameter 'U' has the name of a type parameter of the type", diagnostic.GetMessage(), StringComparison.Ordinal);
        Assert.Equal("base.Show", source.Substring(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length));
    }

    [Fact]
    public void A_type_that_is_not_partial_stays_AG0001()
    {
        var run = GeneratorHarness.Run(Usings + Base + """
            public class Book : Ledger
            {
                [PollAsync]
                public async Future<int> Work() { await Task.Yield(); return base.Total(); }
            }
            """);
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("AG0001", diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Contains("'Book' must be declared partial", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void An_assignment_of_a_base_indexer_with_a_params_parameter_is_AG0005_at_the_assignment()
    {
        // The setter's helper takes the value after the indices, and nothing may follow a params parameter.
        var source = Usings + """
            public class Row
            {
                public virtual int this[params int[] path] { get => path.Length; set { } }
            }

            public partial class Cells : Row
            {
                [PollAsync]
                public async Future<int> Work()
                {
                    await Task.Yield();
                    base[1, 2] = 3;
                    return base[1, 2, 3];
                }
            }
            """;
        var run = GeneratorHarness.Run(source).AssertCompiles();
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("AG0005", diagnostic.Id);
        Assert.Contains("a base indexer with a 'params' parameter", diagnostic.GetMessage(), StringComparison.Ordinal);
        Assert.Equal("base[1, 2]", source.Substring(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length));
    }
}
