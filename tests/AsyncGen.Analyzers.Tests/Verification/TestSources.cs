using Microsoft.CodeAnalysis;

namespace AsyncGen.Analyzers.Tests.Verification;

/// <summary>The references and source every test compilation shares.</summary>
internal static class TestSources
{
    /// <summary>Usings prepended to every test source so that cases stay short.</summary>
    public const string Usings =
        "using System; using System.IO; using System.Threading; using System.Threading.Tasks; using AsyncGen;\n";

    /// <summary>
    /// Runtime API that main has not shipped yet (<c>Time.Sleep</c>, <c>Executor.BlockOn</c>), declared with the shape the
    /// design gives it; each stub is dropped as soon as the referenced runtime assembly has the real type.
    /// </summary>
    public static IEnumerable<string> MissingRuntimeStubs()
    {
        if (RuntimeAssembly.GetType("AsyncGen.Time") is null)
        {
            yield return """
                namespace AsyncGen
                {
                    public static class Time
                    {
                        public static SleepFuture Sleep(System.TimeSpan duration) => default;
                    }

                    public struct SleepFuture : IFuture<Unit>
                    {
                        public Poll<Unit> Poll(ref Context cx) => Poll<Unit>.Ready(default);
                    }
                }
                """;
        }
        if (RuntimeAssembly.GetType("AsyncGen.Executor") is null)
        {
            yield return """
                namespace AsyncGen
                {
                    public static class Executor
                    {
                        public static T BlockOn<T>(IFuture<T> future) => default!;
                    }
                }
                """;
        }
    }

    public static System.Reflection.Assembly RuntimeAssembly => typeof(AsyncGen.Future).Assembly;

    public static MetadataReference RuntimeReference => MetadataReference.CreateFromFile(RuntimeAssembly.Location);
}
