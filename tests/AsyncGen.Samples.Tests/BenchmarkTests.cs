using System.Reflection;
using BenchmarkDotNet.Attributes;
using Xunit.Abstractions;

namespace AsyncGen.Samples.Tests;

/// <summary>
/// Each AsyncGen benchmark (benchmarks/AsyncGen.Benchmarks) runs once, as BenchmarkDotNet would call it, under the
/// throwing switch: what the benchmarks measure is the generated machines, never the fallback builder.
/// </summary>
[Collection(FallbackSwitchCollection.Name)]
public class BenchmarkTests(ITestOutputHelper output)
{
    /// <summary>Every [Benchmark] of the runtime ("AsyncGen ..." descriptions; the .NET baselines and the generator's own speed are not futures).</summary>
    public static TheoryData<string> AsyncGenBenchmarks => new(Names);

    private static IEnumerable<string> Names =>
        Samples.Benchmarks.GetTypes()
            .SelectMany(type => type.GetMethods().Select(method => (type, method)))
            .Where(m => m.method.GetCustomAttribute<BenchmarkAttribute>()?.Description?.StartsWith("AsyncGen ", StringComparison.Ordinal) == true)
            .Select(m => m.type.Name + "." + m.method.Name)
            .Order(StringComparer.Ordinal);

    [Fact]
    public void Every_runtime_benchmark_class_is_covered()
    {
        var covered = Names.Select(name => name.Split('.')[0]).Distinct();
        Assert.Equal(["NestedAwaitBenchmarks", "PingPongBenchmarks", "SpawnJoinBenchmarks", "TimerBenchmarks", "YieldBenchmarks"], covered);
    }

    [Theory]
    [MemberData(nameof(AsyncGenBenchmarks))]
    public void Benchmark_runs_on_generated_machines_only(string benchmark)
    {
        var starts = FallbackSwitch.Run(throwOnStart: true, () => RunOnce(benchmark));
        output.WriteLine($"{benchmark}: {starts} fallback machine(s) started");
        Assert.Equal(0, starts);
    }

    private static void RunOnce(string benchmark)
    {
        var (typeName, methodName) = (benchmark.Split('.')[0], benchmark.Split('.')[1]);
        var type = Samples.Benchmarks.GetTypes().Single(t => t.Name == typeName);
        var instance = Activator.CreateInstance(type)!;
        Invoke(type, instance, typeof(GlobalSetupAttribute));
        try
        {
            var result = type.GetMethod(methodName)!.Invoke(instance, null);
            if (result is Task task) task.GetAwaiter().GetResult();
        }
        finally
        {
            Invoke(type, instance, typeof(GlobalCleanupAttribute));
        }
    }

    private static void Invoke(Type type, object instance, Type attribute)
    {
        foreach (var method in type.GetMethods().Where(m => m.IsDefined(attribute))) method.Invoke(instance, null);
    }
}
