using Basic.Reference.Assemblies;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace AsyncGen.Analyzers.Tests.Verification;

/// <summary>
/// Runs one analyzer (and optionally its code fix) over a source written with diagnostic markup,
/// <c>{|AG0100:Thread.Sleep(1)|}</c>, against .NET 10 reference assemblies and the AsyncGen runtime: no network.
/// </summary>
public abstract class AnalyzerTestBase<TAnalyzer>
    where TAnalyzer : DiagnosticAnalyzer, new()
{
    /// <summary>Asserts that the analyzer reports exactly the marked diagnostics, and nothing else.</summary>
    protected static Task VerifyAsync(string source) => VerifyAsync(source, editorConfig: null);

    /// <summary>
    /// Same, with an <c>.editorconfig</c> in force, and with diagnostics spelled out where markup cannot say enough
    /// (a severity).
    /// </summary>
    protected static Task VerifyAsync(string source, string? editorConfig, params DiagnosticResult[] expected) =>
        RunAsync(source, editorConfig, CompilerDiagnostics.Errors, expected);

    /// <summary>Same, compiled as a console program, so that top-level statements are allowed.</summary>
    protected static Task VerifyProgramAsync(string source)
    {
        var test = new CSharpAnalyzerTest<TAnalyzer, DefaultVerifier> { CompilerDiagnostics = CompilerDiagnostics.Errors };
        Configure(test, source);
        test.TestState.OutputKind = Microsoft.CodeAnalysis.OutputKind.ConsoleApplication;
        return test.RunAsync();
    }

    /// <summary>Same, comparing the compiler's warnings too (and whether each is suppressed), for suppressors.</summary>
    protected static Task VerifyWithCompilerWarningsAsync(string source, string? editorConfig, params DiagnosticResult[] expected) =>
        RunAsync(source, editorConfig, CompilerDiagnostics.Warnings, expected);

    private static Task RunAsync(string source, string? editorConfig, CompilerDiagnostics compilerDiagnostics, DiagnosticResult[] expected)
    {
        var test = new CSharpAnalyzerTest<TAnalyzer, DefaultVerifier> { CompilerDiagnostics = compilerDiagnostics };
        Configure(test, source);
        if (editorConfig is not null) test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", editorConfig));
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    /// <summary>Asserts the marked diagnostics, applies <typeparamref name="TFix"/> and compares with a source that compiles.</summary>
    protected static Task VerifyFixAsync<TFix>(string source, string fixedSource)
        where TFix : CodeFixProvider, new()
    {
        var test = new CSharpCodeFixTest<TAnalyzer, TFix, DefaultVerifier>
        {
            FixedCode = TestSources.Usings + fixedSource,
        };
        Configure(test, source);
        return test.RunAsync();
    }

    private static void Configure(AnalyzerTest<DefaultVerifier> test, string source)
    {
        test.TestCode = TestSources.Usings + source;
        // The feed does not serve the net10.0 reference pack package, so the references come from Basic.Reference.Assemblies.
        test.ReferenceAssemblies = new ReferenceAssemblies("net10.0");
        test.TestState.AdditionalReferences.AddRange(Net100.References.All);
        test.TestState.AdditionalReferences.Add(TestSources.RuntimeReference);
        test.SolutionTransforms.Add((solution, projectId) =>
        {
            var options = (CSharpParseOptions)solution.GetProject(projectId)!.ParseOptions!;
            return solution.WithProjectParseOptions(projectId, options.WithLanguageVersion(LanguageVersion.Latest));
        });
    }
}
