using System.Collections.Immutable;
using System.Reflection;
using AsyncGen.Fallback;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace AsyncGen.Runtime.Tests.Core;

/// <summary>
/// A fallback method compiled in Debug, as a user's Debug build compiles it: the compiler's state machine is then a
/// class, not a struct. The fallback machine reads its await number (<c>&lt;&gt;1__state</c>) at every suspension;
/// that read must not allocate (it used to go through <c>FieldInfo.GetValue</c>, boxing the number at every await),
/// nor must recognising the awaited future (an interface test boxed the awaiter in tier-0 code). A Release build's
/// struct machine beside it.
/// </summary>
public class FallbackDebugMachineAllocationTests
{
    private const string Source = """
        using AsyncGen;

        public static class DebugBuiltCode
        {
            /// <summary>Pending on every odd poll, ready (1) on every even one: each await suspends once, so each poll of Loop is one lap.</summary>
            private sealed class Gate : Future<int>
            {
                private int _polls;

                public override Poll<int> Poll(ref Context cx) => ++_polls % 2 == 0 ? Poll<int>.Ready(1) : Poll<int>.Pending;
            }

            public static Future<int> Start(int laps) => Loop(new Gate(), laps);

            private static async Future<int> Loop(Future<int> gate, int laps)
            {
                int sum = 0;
                for (int lap = 0; lap < laps; lap++) sum += await gate;
                return sum;
            }
        }
        """;

    private static Assembly Compile(OptimizationLevel level)
    {
        ImmutableArray<MetadataReference> references =
            [.. Basic.Reference.Assemblies.Net100.References.All, MetadataReference.CreateFromFile(typeof(Future).Assembly.Location)];
        var compilation = CSharpCompilation.Create("DebugBuiltCode" + Guid.NewGuid().ToString("N"),
            [CSharpSyntaxTree.ParseText(Source, CSharpParseOptions.Default.WithLanguageVersion(LanguageVersion.Latest))],
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, optimizationLevel: level));
        using var image = new MemoryStream();
        var emitted = compilation.Emit(image);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        return Assembly.Load(image.ToArray());
    }

    [Theory]
    [InlineData(OptimizationLevel.Debug)]   // a class machine
    [InlineData(OptimizationLevel.Release)] // a struct machine
    public void A_fallback_machine_suspends_without_allocating(OptimizationLevel level)
    {
        const int Laps = 2_000;
        var code = Compile(level).GetType("DebugBuiltCode")!;
        var machineType = Assert.Single(code.GetNestedTypes(BindingFlags.NonPublic), t => t.Name.Contains("Loop"));
        Assert.Equal(level == OptimizationLevel.Debug, machineType.IsClass); // what each build compiles
        var future = (Future<int>)code.GetMethod("Start")!.Invoke(null, [Laps])!;
        var cx = new Context(Waker.Noop);

        // Warm up: the first laps create the machine's lazy state (its await-number reader, its first await).
        for (int poll = 0; poll < 20; poll++) Assert.True(future.Poll(ref cx).IsPending);
        long byReflection = FallbackMachines.StateReadByReflection;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int poll = 20; poll < Laps; poll++) Assert.True(future.Poll(ref cx).IsPending);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        var last = future.Poll(ref cx);

        Assert.Equal(byReflection, FallbackMachines.StateReadByReflection); // read in place, not through reflection
        Assert.Equal(0, allocated);
        Assert.True(last.IsReady);
        Assert.Equal(Laps, last.Value);
    }
}
