using AsyncGen.Generator.Lowering;
using AsyncGen.Generator.Model;
using AsyncGen.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace AsyncGen.Generator.Tests.Generator;

/// <summary>Every [PollAsync] call gets the generated machine, and every path that does not is a diagnostic.</summary>
public class NoSilentFallbackTests
{
    private const string Usings = "using System;\nusing System.Collections.Generic;\nusing System.Threading.Tasks;\nusing AsyncGen;\n\n";

    [Fact]
    public void Calls_not_awaited_in_place_create_the_callee_machine_boxed_once()
    {
        var run = GeneratorHarness.Run(Usings + """
            public static partial class Sample
            {
                [PollAsync]
                public static async Future<int> Work(int i) { await Task.Yield(); return i; }

                [PollAsync]
                public static async Future Tick() { await Task.Yield(); }

                [PollAsync]
                public static async Future<int> Caller()
                {
                    var handle = Executor.Spawn(Work(1));
                    var stored = Work(2);
                    Func<Future<int>> later = () => Work(3);
                    int Local() => Work(4).GetHashCode();
                    var pair = await Future.Join(Work(5), Work(await Task.FromResult(6)));
                    var first = await Future.Select(Work(7), Tick());
                    return await handle + await stored + await later() + Local() + pair.Item1;
                }
            }
            """).AssertCompiles();
        var caller = run.Source("CallerFuture");
        var boxed = "((global::AsyncGen.Future<int>)new global::AsyncGen.FutureBox<global::Sample.WorkFuture, int>(WorkMachine(";
        foreach (var argument in new[] { "1", "2", "3", "4", "5", "__r", "7" })
            Assert.Contains(boxed + argument, caller, StringComparison.Ordinal);
        Assert.Contains("((global::AsyncGen.Future)new global::AsyncGen.FutureBox<global::Sample.TickFuture>(TickMachine()))", caller, StringComparison.Ordinal);
        var code = caller.Split('\n').Where(line => !line.TrimStart().StartsWith("//", StringComparison.Ordinal) && !line.Contains("AsyncFrame(", StringComparison.Ordinal) && !line.Contains("suspended at", StringComparison.Ordinal));
        Assert.DoesNotContain(code, line => line.Contains(" Work(", StringComparison.Ordinal) || line.Contains("(Work(", StringComparison.Ordinal));
        Assert.True(run.GeneratorDiagnostics.IsEmpty, string.Join("\n", run.GeneratorDiagnostics));
    }

    [Fact]
    public void Recursive_await_boxes_the_machine_instead_of_calling_the_fallback()
    {
        var run = GeneratorHarness.Run(Usings + """
            public static partial class Sample
            {
                [PollAsync]
                public static async Future<int> Count(int n) => n == 0 ? 0 : await Count(n - 1) + 1;
            }
            """).AssertCompiles();
        Assert.Contains("new global::AsyncGen.FutureBox<global::Sample.CountFuture, int>(CountMachine(_n - 1))", run.Source("CountFuture"), StringComparison.Ordinal);
    }

    [Fact]
    public void AG0008_PollAsync_on_a_local_function_is_reported()
    {
        var run = GeneratorHarness.Run(Usings + """
            public static partial class Sample
            {
                public static Future<int> Outer()
                {
                    return Inner();

                    [PollAsync]
                    static async Future<int> Inner() { await Task.Yield(); return 1; }
                }
            }
            """);
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("AG0008", diagnostic.Id);
        Assert.Equal("Inner", diagnostic.Location.SourceTree!.GetText().ToString(diagnostic.Location.SourceSpan));
        Assert.Contains("make 'Inner' a method of a partial type", diagnostic.GetMessage(), StringComparison.Ordinal);
        Assert.Empty(run.Errors);
    }

    [Fact]
    public void AG0009_call_from_generic_code_says_why_and_what_to_change()
    {
        var run = GeneratorHarness.Run(Usings + """
            public partial class Repository<T>
            {
                [PollAsync]
                public async Future<T?> Find() { await Task.Yield(); return default; }

                public Future<T?> Plain() => Find();

                [PollAsync]
                public async Future<T?> Generated() => await Find() ?? await Find();
            }
            """).AssertCompiles();
        var diagnostic = Assert.Single(run.GeneratorDiagnostics); // the calls inside Generated are the machine's own
        Assert.Equal("AG0009", diagnostic.Id);
        Assert.Equal("Find()", diagnostic.Location.SourceTree!.GetText().ToString(diagnostic.Location.SourceSpan));
        Assert.Contains("generic code", diagnostic.GetMessage(), StringComparison.Ordinal);
        Assert.Contains("call it from a [PollAsync] method", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void Private_nested_types_in_the_signature_outside_listed_namespaces_report_the_property_to_add()
    {
        var run = GeneratorHarness.Run(Usings + """
            public partial class Host
            {
                private sealed class Secret { public int Value = 42; }
                protected sealed class Shared { }

                [PollAsync]
                private async Future<Secret> Get(Secret seed) { await Task.Yield(); return seed; }

                [PollAsync]
                protected async Future<Shared?> Protected() { await Task.Yield(); return null; }

                [PollAsync]
                public async Future<int> Use() => (await Get(new Secret())).Value + (await Protected() is null ? 0 : 1);

                public Future<int> Plain() => Use();

                public int Direct() => Get(new Secret()).GetHashCode();
            }
            """).AssertCompiles();
        Assert.Contains("private struct GetFuture", run.Source("GetFuture"), StringComparison.Ordinal);
        Assert.Contains("protected struct ProtectedFuture", run.Source("ProtectedFuture"), StringComparison.Ordinal);
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("AG0009", diagnostic.Id);
        // The interceptor would be a member of Host, in the global namespace, which the harness does not list.
        Assert.Contains("the project does not accept interceptors in the global namespace", diagnostic.GetMessage(), StringComparison.Ordinal);
        Assert.Contains("add <InterceptorsNamespaces>$(InterceptorsNamespaces);global</InterceptorsNamespaces> to the project, or declare 'Secret' internal or public", diagnostic.GetMessage(), StringComparison.Ordinal);
        Assert.Contains("FutureBox<global::Host.UseFuture, int>", run.Source("Interceptors"), StringComparison.Ordinal);
    }

    [Fact]
    public void Lowering_failure_reports_AG0007_with_the_exception_and_wraps_the_fallback()
    {
        var run = GeneratorHarness.Run(Usings + """
            public static partial class Sample
            {
                [PollAsync]
                public static async Future<int> Work() { await Task.Yield(); return 1; }
            }
            """);
        var spec = ((LoweredMachine)run.Driver.GetRunResult().Results.Single().TrackedSteps[TrackingNames.Lowered].Single().Outputs.Single().Value).Spec;
        // A model that names an await state it does not declare: what a bug in rewriting would hand to lowering.
        var broken = spec with { Awaits = EquatableArray<AwaitSite>.Empty };

        var lowered = MachineLowerer.Lower(broken);

        Assert.Null(lowered.Spec.Body);
        Assert.StartsWith("KeyNotFoundException", lowered.Failure, StringComparison.Ordinal);
        Assert.Contains("AG0007: KeyNotFoundException", lowered.Spec.FallbackReason, StringComparison.Ordinal);
        var diagnostic = new LoweringFailure(spec.FilePath, spec.MethodLine, spec.MethodName, lowered.Failure!).ToDiagnostic(run.Input);
        Assert.Equal("AG0007", diagnostic.Id);
        Assert.Contains("KeyNotFoundException", diagnostic.GetMessage(), StringComparison.Ordinal);
        Assert.Equal("Work", diagnostic.Location.SourceTree!.GetText().ToString(diagnostic.Location.SourceSpan));
    }

    [Fact]
    public void Fallback_header_names_the_reason()
    {
        var run = GeneratorHarness.Run(Usings + """
            public static partial class Sample
            {
                private static readonly object Gate = new();

                [PollAsync]
                public static async Future<int> Work() { lock (Gate) { } var add = (double x = double.NaN) => x; await Task.Yield(); return (int)add(); }
            }
            """).AssertCompiles();
        Assert.Contains("// This method runs through the fallback builder: it uses a lambda whose delegate type C# synthesizes", run.Source("WorkFuture"), StringComparison.Ordinal);
        Assert.Contains("instead of 'var') (AG0005, line", run.Source("WorkFuture"), StringComparison.Ordinal);
    }
}
