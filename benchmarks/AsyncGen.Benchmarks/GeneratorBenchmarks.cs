using System.Text;
using AsyncGen.Generator;
using BenchmarkDotNet.Attributes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace AsyncGen.Benchmarks;

/// <summary>
/// The generator's own speed (issue 3): 1,000 <c>[PollAsync]</c> methods in 50 files, with their call sites. A full
/// run from a fresh driver, and the incremental run an IDE makes after one method body is edited.
/// </summary>
[MemoryDiagnoser]
public class GeneratorBenchmarks
{
    private const int Files = 50;
    private const int MethodsPerFile = 20;

    private static readonly CSharpParseOptions s_parseOptions = CSharpParseOptions.Default
        .WithLanguageVersion(LanguageVersion.Preview)
        .WithFeatures([new KeyValuePair<string, string>("InterceptorsNamespaces", "AsyncGen.Generated")]);

    private CSharpCompilation _compilation = null!;
    private CSharpCompilation _edited = null!;
    private GeneratorDriver _warm = null!;

    [GlobalSetup]
    public void Setup()
    {
        var trees = Enumerable.Range(0, Files).Select(i => Parse(FileSource(i, edited: false), i)).ToList();
        _compilation = CSharpCompilation.Create("GeneratorBenchmark", trees,
            [.. Basic.Reference.Assemblies.Net100.References.All, MetadataReference.CreateFromFile(typeof(Future).Assembly.Location)],
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        _edited = _compilation.ReplaceSyntaxTree(trees[17], Parse(FileSource(17, edited: true), 17));
        _warm = NewDriver().RunGenerators(_compilation);

        int generated = _warm.GetRunResult().GeneratedTrees.Length;
        if (generated != Files * MethodsPerFile + 1) throw new InvalidOperationException($"expected {Files * MethodsPerFile + 1} generated files, got {generated}");
    }

    [Benchmark(Description = "full run, 1,000 methods")]
    public GeneratorDriver FullRun() => NewDriver().RunGenerators(_compilation);

    [Benchmark(Description = "one method edited, incremental")]
    public GeneratorDriver OneMethodEdit() => _warm.RunGenerators(_edited);

    private static GeneratorDriver NewDriver() => CSharpGeneratorDriver.Create(
        [new PollAsyncGenerator().AsSourceGenerator()], parseOptions: s_parseOptions,
        driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: false));

    private static SyntaxTree Parse(string source, int file) =>
        CSharpSyntaxTree.ParseText(source, s_parseOptions, path: $"Methods{file}.cs", encoding: Encoding.UTF8);

    private static string FileSource(int file, bool edited)
    {
        var source = new StringBuilder();
        source.AppendLine("using System; using System.Collections.Generic; using System.Threading.Tasks; using AsyncGen;");
        source.AppendLine($"namespace Bench{file};");
        source.AppendLine($"public static partial class Methods{file}");
        source.AppendLine("{");
        for (int m = 0; m < MethodsPerFile; m++)
        {
            // A realistic body: a loop over awaits, a try/finally, a nested [PollAsync] call, a Task await.
            string extra = edited && m == 7 ? " + 1" : "";
            source.AppendLine($$"""
                [PollAsync]
                public static async Future<int> M{{m}}(int n)
                {
                    int sum = 0;
                    for (int i = 0; i < n; i++)
                    {
                        await Time.Sleep(TimeSpan.FromMilliseconds(1));
                        sum += i{{extra}};
                    }
                    try
                    {
                        sum += {{(m == 0 ? "await Task.FromResult(1)" : $"await M{m - 1}(n - 1)")}};
                    }
                    finally
                    {
                        sum--;
                    }
                    return sum;
                }
            """);
        }
        source.AppendLine($"    public static Future<int> Call() => M{MethodsPerFile - 1}(3);");
        source.AppendLine("}");
        return source.ToString();
    }
}
