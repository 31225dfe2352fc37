using Microsoft.CodeAnalysis;

namespace AsyncGen.Analyzers.Tests.Verification;

/// <summary>The references and source every test compilation shares.</summary>
internal static class TestSources
{
    /// <summary>Usings prepended to every test source so that cases stay short.</summary>
    public const string Usings =
        "using System; using System.IO; using System.Threading; using System.Threading.Tasks; using AsyncGen;\n";

    /// <summary>The seed's <c>delay_add</c> as a <c>[PollAsync]</c> method, for cases that need a future to call.</summary>
    public const string DelayAddDemo = """

        public static partial class Demo
        {
            [PollAsync]
            public static async Future<int> DelayAdd(int a, int b)
            {
                await Time.Sleep(TimeSpan.FromSeconds(2));
                return a + b;
            }
        }

        """;

    public static System.Reflection.Assembly RuntimeAssembly => typeof(AsyncGen.Future).Assembly;

    public static MetadataReference RuntimeReference => MetadataReference.CreateFromFile(RuntimeAssembly.Location);
}
