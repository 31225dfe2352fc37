using System.Collections.Immutable;
using AsyncGen.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace AsyncGen.Generator.Tests.Infrastructure;

/// <summary>The outcome of running the generator on an in-memory compilation.</summary>
internal sealed record GeneratorRun(
    CSharpCompilation Input, Compilation Output, ImmutableArray<Diagnostic> GeneratorDiagnostics, GeneratorDriver Driver)
{
    /// <summary>Generated files by hint name.</summary>
    public IReadOnlyDictionary<string, string> Sources =>
        Driver.GetRunResult().Results.SelectMany(r => r.GeneratedSources).ToDictionary(s => s.HintName, s => s.SourceText.ToString());

    /// <summary>Errors of the compilation that includes the generated files.</summary>
    public IReadOnlyList<Diagnostic> Errors =>
        Output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();

    /// <summary>The generated file whose hint name contains <paramref name="part"/>.</summary>
    public string Source(string part) =>
        Sources.SingleOrDefault(s => s.Key.Contains(part, StringComparison.Ordinal)).Value
        ?? throw new Xunit.Sdk.XunitException($"No generated file matches '{part}': {string.Join(", ", Sources.Keys)}");

    /// <summary>Fails with every error and the generated code when the output does not compile.</summary>
    public GeneratorRun AssertCompiles()
    {
        if (Errors.Count == 0) return this;
        throw new Xunit.Sdk.XunitException("Generated code does not compile:\n" + string.Join("\n", Errors) + "\n\n" +
                                           string.Join("\n\n", Sources.Select(s => "// " + s.Key + "\n" + Numbered(s.Value))));
    }

    private static string Numbered(string text) =>
        string.Join("\n", text.Split('\n').Select((line, i) => $"{i + 1,4} {line}"));
}

/// <summary>Builds compilations with the runtime referenced and interceptors enabled, and runs the generator on them.</summary>
internal static class GeneratorHarness
{
    public static readonly CSharpParseOptions ParseOptions = WithInterceptorsNamespaces("AsyncGen.Generated");

    /// <summary>
    /// Parse options whose <c>InterceptorsNamespaces</c> feature is <paramref name="namespaces"/> (as the MSBuild
    /// property: <c>;</c>-separated, <c>global</c> for every namespace). The interceptors of calls whose signature
    /// uses a private type live in that type, so its namespace must be listed.
    /// </summary>
    public static CSharpParseOptions WithInterceptorsNamespaces(string namespaces) => CSharpParseOptions.Default
        .WithLanguageVersion(LanguageVersion.Preview)
        .WithFeatures([new KeyValuePair<string, string>("InterceptorsNamespaces", namespaces)]);

    private static readonly ImmutableArray<MetadataReference> s_references =
        [.. Basic.Reference.Assemblies.Net100.References.All, MetadataReference.CreateFromFile(typeof(Future).Assembly.Location)];

    public static CSharpCompilation Compile(string source, string path = "Demo.cs") => Compile((source, path));

    public static CSharpCompilation Compile(params (string Source, string Path)[] files) => Compile(ParseOptions, files);

    public static CSharpCompilation Compile(CSharpParseOptions options, params (string Source, string Path)[] files) =>
        CSharpCompilation.Create("GeneratorTests" + Guid.NewGuid().ToString("N"),
            files.Select(f => CSharpSyntaxTree.ParseText(f.Source, options, f.Path)),
            s_references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    public static GeneratorDriver CreateDriver(CSharpParseOptions? options = null) =>
        CSharpGeneratorDriver.Create(
            [new PollAsyncGenerator().AsSourceGenerator()],
            parseOptions: options ?? ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    public static GeneratorRun Run(string source, string path = "Demo.cs") => Run(Compile(source, path));

    public static GeneratorRun Run(CSharpCompilation compilation)
    {
        var options = (CSharpParseOptions?)compilation.SyntaxTrees.FirstOrDefault()?.Options;
        var driver = CreateDriver(options).RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        return new GeneratorRun(compilation, output, driver.GetRunResult().Diagnostics, driver);
    }
}
