using System.Collections;
using System.Reflection;
using AsyncGen.Generator.Model;
using AsyncGen.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace AsyncGen.Generator.Tests.Generator;

/// <summary>The incremental pipeline reuses everything when nothing changed, and its models hold no Roslyn objects.</summary>
public class CacheTests
{
    private const string Source = """
        using System;
        using System.Threading.Tasks;
        using AsyncGen;

        public static partial class Sample
        {
            [PollAsync]
            public static async Future<int> Add(int a, int b)
            {
                await Task.Yield();
                return a + await Twice(b);
            }

            [PollAsync]
            public static async Future<int> Twice(int x)
            {
                try { await Time.Sleep(TimeSpan.Zero); }
                finally { Console.WriteLine(x); }
                return x * 2;
            }

            public static Future<int> Call() => Add(1, 2);
        }
        """;

    private static readonly string[] s_trackedSteps =
        [TrackingNames.Methods, TrackingNames.Machines, TrackingNames.Lowered, TrackingNames.CallSites, TrackingNames.Interceptors];

    [Fact]
    public void Second_run_on_a_cloned_compilation_is_fully_cached()
    {
        var compilation = GeneratorHarness.Compile(Source);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        driver = driver.RunGenerators(compilation.Clone());

        var steps = driver.GetRunResult().Results.Single().TrackedSteps;
        foreach (var name in s_trackedSteps)
        {
            Assert.True(steps.ContainsKey(name), $"step {name} was not tracked");
            var reasons = steps[name].SelectMany(step => step.Outputs).Select(output => output.Reason).ToList();
            Assert.NotEmpty(reasons);
            Assert.All(reasons, reason => Assert.True(reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{name}: {reason}"));
        }
    }

    [Fact]
    public void Editing_an_unrelated_file_keeps_machines_cached()
    {
        var compilation = GeneratorHarness.Compile(Source);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        var edited = compilation.AddSyntaxTrees(Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText("public static class Other { }", GeneratorHarness.ParseOptions, "Other.cs"));
        driver = driver.RunGenerators(edited);

        var lowered = driver.GetRunResult().Results.Single().TrackedSteps[TrackingNames.Lowered];
        Assert.All(lowered.SelectMany(s => s.Outputs), output =>
            Assert.True(output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, output.Reason.ToString()));
    }

    [Fact]
    public void Output_is_deterministic_and_names_no_absolute_path_outside_line_directives()
    {
        var path = Path.Combine(Path.GetTempPath(), "deep", "Sample.cs");
        var first = GeneratorHarness.Run(Source, path).Sources;
        var second = GeneratorHarness.Run(Source, path).Sources;
        Assert.Equal(first.OrderBy(s => s.Key), second.OrderBy(s => s.Key));
        foreach (var (_, text) in first)
        {
            var lines = text.Split('\n').Where(l => !l.StartsWith("#line", StringComparison.Ordinal));
            Assert.DoesNotContain(lines, l => l.Contains(Path.GetTempPath(), StringComparison.Ordinal));
        }
        Assert.Contains(first.Values, text => text.Contains($"#line 10 \"{path}\"", StringComparison.Ordinal));
    }

    [Fact]
    public void Models_hold_no_symbols_syntax_or_compilations()
    {
        var driver = GeneratorHarness.CreateDriver().RunGenerators(GeneratorHarness.Compile(Source));
        var steps = driver.GetRunResult().Results.Single().TrackedSteps;
        var values = s_trackedSteps.SelectMany(name => steps[name]).SelectMany(step => step.Outputs).Select(output => output.Value).ToList();
        Assert.Contains(values, v => v is MachineSpec);
        foreach (var value in values) AssertNoRoslynObjects(value, new HashSet<object>(ReferenceEqualityComparer.Instance), "root");
    }

    private static void AssertNoRoslynObjects(object? value, HashSet<object> seen, string path)
    {
        if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum) return;
        Assert.False(value is ISymbol or SyntaxNode or Compilation or SemanticModel or Location or SyntaxTree,
            $"{path} holds a {value.GetType().Name}");
        if (value is DiagnosticDescriptor || !seen.Add(value)) return;
        if (value is IEnumerable items)
        {
            var i = 0;
            foreach (var item in items) AssertNoRoslynObjects(item, seen, $"{path}[{i++}]");
            if (value is not ValueType) return;
        }
        foreach (var field in value.GetType().GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
            AssertNoRoslynObjects(field.GetValue(value), seen, path + "." + field.Name);
    }
}
