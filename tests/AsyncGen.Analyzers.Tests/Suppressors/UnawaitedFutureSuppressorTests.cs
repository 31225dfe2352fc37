using AsyncGen.Analyzers.Suppressors;
using AsyncGen.Analyzers.Tests.Verification;
using Microsoft.CodeAnalysis.Testing;

namespace AsyncGen.Analyzers.Tests.Suppressors;

public sealed class UnawaitedFutureSuppressorTests : AnalyzerTestBase<UnawaitedFutureSuppressor>
{
    private const string Source = """
        #pragma warning disable CS1591 // the test harness documents public members; these need none
        public static partial class Demo
        {
            [PollAsync]
            public static async Future<int> DelayAdd(int a, int b)
            {
                await Time.Sleep(TimeSpan.FromSeconds(2));
                return a + b;
            }

            [PollAsync]
            public static async Future Caller(Func<Task> work)
            {
                DelayAdd(1, 2);
                work();
                await Time.Sleep(TimeSpan.Zero);
            }
        }
        """;

    [Fact]
    public Task CS4014_on_an_unawaited_future_is_suppressed_but_not_on_a_task() => VerifyWithCompilerWarningsAsync(
        Source,
        editorConfig: null,
        DiagnosticResult.CompilerWarning("CS4014").WithSpan(15, 9, 15, 23).WithIsSuppressed(true),
        DiagnosticResult.CompilerWarning("CS4014").WithSpan(16, 9, 16, 15).WithIsSuppressed(false));

    [Fact]
    public Task CS4014_stays_when_AG0106_is_turned_off() => VerifyWithCompilerWarningsAsync(
        Source,
        "root = true\n[*]\ndotnet_diagnostic.AG0106.severity = none\n",
        DiagnosticResult.CompilerWarning("CS4014").WithSpan(15, 9, 15, 23).WithIsSuppressed(false),
        DiagnosticResult.CompilerWarning("CS4014").WithSpan(16, 9, 16, 15).WithIsSuppressed(false));
}
