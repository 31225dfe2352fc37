using AsyncGen.Generator.Tests.Infrastructure;

namespace AsyncGen.Generator.Tests.Generator;

/// <summary>
/// Names written with '@' (keywords) keep it wherever the generator prints them on their own: printed bare, a pattern
/// variable's store (<c>Hoist(out _int, int)</c>) made the generated expression stop parsing at <c>int</c>, and the
/// rest was dropped without a word, so the variable read default after the await.
/// </summary>
public class EscapedNameTests
{
    [Fact]
    public void A_pattern_variable_named_like_a_keyword_is_stored_under_its_escaped_name()
    {
        var run = GeneratorHarness.Run("""
            using System.Threading.Tasks;
            using AsyncGen;

            public static partial class Demo
            {
                [PollAsync]
                public static async Future<string> Run(object o)
                {
                    if (o is int @int && @int > 1) { await Task.Yield(); return "int " + @int; }
                    if (o is string @class) { await Task.Yield(); return "class " + @class; }
                    return "none";
                }
            }
            """).AssertCompiles();

        Assert.Empty(run.GeneratorDiagnostics);
        var machine = run.Source("Demo.RunFuture");
        Assert.Contains("is int @int && Hoist(out _int, @int)", machine, StringComparison.Ordinal);
        Assert.Contains("is string @class && Hoist(out _class, @class)", machine, StringComparison.Ordinal);
    }

    [Fact]
    public void Generated_text_that_does_not_parse_whole_fails_instead_of_being_cut_short()
    {
        // The text the generator printed before names kept their '@': the parse stopped at 'class' and dropped the store.
        var error = Assert.Throws<InvalidOperationException>(() => AsyncGen.Generator.Rewriting.BodyRewriter.ParseExpression("_o is string class && Hoist(out _class, class)"));
        Assert.Contains("does not parse", error.Message, StringComparison.Ordinal);
        Assert.Equal("_o is string @class && Hoist(out _class, @class)",
            AsyncGen.Generator.Rewriting.BodyRewriter.ParseExpression("_o is string @class && Hoist(out _class, @class)").ToFullString());
    }
}
