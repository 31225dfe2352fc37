using AsyncGen.Analyzers.Rules;
using AsyncGen.Analyzers.Tests.Verification;

namespace AsyncGen.Analyzers.Tests;

/// <summary>Severity and suppression go through the standard channels: .editorconfig, pragmas, generated-code markers.</summary>
public sealed class RuleConfigurationTests : AnalyzerTestBase<BlockingCallInFutureBodyAnalyzer>
{
    private const string SleepingBody = """
        public static partial class Demo
        {
            [PollAsync]
            public static async Future Nap()
            {
                Thread.Sleep(1);
                await Time.Sleep(TimeSpan.Zero);
            }
        }
        """;

    [Fact]
    public Task Editorconfig_can_turn_a_rule_off() => VerifyAsync(
        SleepingBody,
        "root = true\n[*]\ndotnet_diagnostic.AG0100.severity = none\n");

    [Fact]
    public Task Pragma_suppresses_a_rule_locally() => VerifyAsync("""
        public static partial class Demo
        {
            [PollAsync]
            public static async Future Nap()
            {
        #pragma warning disable AG0100 // the test fixture needs a real thread pause
                Thread.Sleep(1);
        #pragma warning restore AG0100
                await Time.Sleep(TimeSpan.Zero);
            }
        }
        """);

    [Fact]
    public Task Generated_code_is_not_analyzed() =>
        VerifyAsync("[System.CodeDom.Compiler.GeneratedCode(\"AsyncGen.Generator\", \"0.1.0\")]\n" + SleepingBody);
}
