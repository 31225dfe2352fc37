using System.Reflection;
using AsyncGen.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace AsyncGen.Generator.Tests.Differential;

/// <summary>
/// Every differential program compiled three ways, once per test run: with the generator (struct machines
/// through interceptors), without it (the fallback builder), and rewritten to <c>async Task</c> (the reference).
/// </summary>
internal sealed class CompiledWorlds
{
    public static readonly Lazy<CompiledWorlds> Instance = new(() => new CompiledWorlds());

    private CompiledWorlds()
    {
        var futureSource = ProgramSet.Combined(taskWorld: false);
        // The generated world leaves out the programs whose generated code is known to be broken (KnownGeneratorBugs).
        var generatedRun = RunGenerator(program => !KnownGeneratorBugs.IsBroken(program));
        generatedRun.AssertCompiles();
        GeneratorDiagnostics = generatedRun.GeneratorDiagnostics;
        Generated = Load(generatedRun.Output);
        Fallback = Load(GeneratorHarness.Compile((futureSource, "Programs.cs"), (Worlds.FutureOps, "Ops.cs")));
        Tasks = Load(GeneratorHarness.Compile((ProgramSet.Combined(taskWorld: true), "Programs.cs"), (Worlds.TaskOps, "Ops.cs")));
    }

    public Assembly Generated { get; }

    public Assembly Fallback { get; }

    public Assembly Tasks { get; }

    public IReadOnlyList<Diagnostic> GeneratorDiagnostics { get; }

    /// <summary>The generator run over the programs <paramref name="include"/> accepts.</summary>
    public static GeneratorRun RunGenerator(Func<string, bool> include) =>
        GeneratorHarness.Run(GeneratorHarness.Compile(ParseOptions, (ProgramSet.Combined(taskWorld: false, include), "Programs.cs"), (Worlds.FutureOps, "Ops.cs")));

    /// <summary>
    /// The programs live in the global namespace; a program whose signatures use private nested types gets its
    /// interceptors declared in its own type, so the generated world accepts interceptors everywhere (<c>global</c>).
    /// </summary>
    private static readonly Microsoft.CodeAnalysis.CSharp.CSharpParseOptions ParseOptions = GeneratorHarness.WithInterceptorsNamespaces("AsyncGen.Generated;global");

    public static Assembly Load(Compilation compilation)
    {
        using var stream = new MemoryStream();
        var result = compilation.Emit(stream);
        if (!result.Success)
            throw new InvalidOperationException("Compilation failed:\n" + string.Join("\n", result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        return Assembly.Load(stream.ToArray());
    }
}

/// <summary>What a program did: its result or exception, and what it logged.</summary>
internal sealed record Outcome(string? Result, string? Error, IReadOnlyList<string> Log)
{
    public override string ToString() =>
        (Error is null ? "result: " + Result : "error: " + Error) + "\nlog:\n  " + string.Join("\n  ", Log);
}

/// <summary>Runs a program of a compiled world.</summary>
internal static class ProgramRunner
{
    public static object Start(Assembly assembly, string name, List<string> log) =>
        ProgramSet.EntryPoint(assembly).Invoke(null, [name, log])!;

    /// <summary>Runs on the thread pool: no synchronization context captures the Task continuations.</summary>
    public static Outcome RunFuture(Assembly assembly, string name) => Task.Run(() =>
    {
        var log = new List<string>();
        try
        {
            var result = Executor.BlockOn((Future<string>)Start(assembly, name, log), StallLimit.Value);
            return new Outcome(result, null, log);
        }
        catch (Exception error)
        {
            return new Outcome(null, Describe(error), log);
        }
    }).GetAwaiter().GetResult();

    /// <summary>
    /// On a thread of its own under a <see cref="SingleThreadSynchronizationContext"/>: the continuations of the tasks
    /// a program starts run one at a time in the order they were queued, so its log is deterministic.
    /// </summary>
    public static Outcome RunTask(Assembly assembly, string name) => Task.Run(() =>
        SingleThreadSynchronizationContext.Run(async () =>
        {
            var log = new List<string>();
            try
            {
                var result = await (Task<string>)Start(assembly, name, log);
                return new Outcome(result, null, log);
            }
            catch (Exception error)
            {
                return new Outcome(null, Describe(error), log);
            }
        }, StallLimit.Value)).GetAwaiter().GetResult();

    private static string Describe(Exception error) => error.GetType().Name + ": " + error.Message;
}
