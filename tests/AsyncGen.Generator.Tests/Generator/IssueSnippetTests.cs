using AsyncGen.Generator.Tests.Infrastructure;

namespace AsyncGen.Generator.Tests.Generator;

/// <summary>
/// The snippets of issue 10, each as written there: the generated code compiles without errors and the method gets
/// its machine (no generator diagnostic). What each computes is checked by the differential programs
/// (<c>Differential/Programs/90_GeneratorFidelity.cs</c>).
/// </summary>
public class IssueSnippetTests
{
    [Theory]
    [InlineData("await using var ms = new MemoryStream(); ms.WriteByte(1); return 1;")]
    [InlineData("await using (var x = new MemoryStream()) { x.WriteByte(1); } return 1;")]
    [InlineData("using (var s = await AsyncTcpStream.ConnectAsync(ep)) { s.NoDelay = true; } return 1;")]
    [InlineData("var a = new S[1]; a[0].x += await Task.Run(() => 42); return a[0].x;")]
    [InlineData("int[]? a = null; var i = 0; F(ref a![i], Log(), await t); return 1;")]
    [InlineData("var (tx, rx) = AsyncChannel.Bounded<string>(4); await tx.Send(\"x\"); return rx.GetHashCode();")]
    [InlineData("var (a, b) = await Future.Join(A(), B()); return a + b;")]
    [InlineData("using var s = await listener.AcceptAsync(); return s.GetHashCode();")]
    [InlineData("await Task.Yield(); using var fs = new FileStream(\"f\", FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1); return 1;")]
    [InlineData("try { await Task.Yield(); } catch (Exception e) when (e.Message.Length > 0) { return 2; } return 1;")]
    public void Snippet_compiles_into_a_generated_machine(string body)
    {
        var run = GeneratorHarness.Run($$"""
            using System;
            using System.IO;
            using System.Net;
            using System.Threading.Tasks;
            using AsyncGen;
            using AsyncGen.Net;
            using AsyncGen.Sync;

            public static partial class Snippet
            {
                public struct S { public int x; }
                private static void F(ref int target, int second, int third) { }
                private static int Log() => 0;

                [PollAsync]
                private static async Future<int> A() { await Task.Yield(); return 1; }

                [PollAsync]
                private static async Future<int> B() { await Task.Yield(); return 2; }

                [PollAsync]
                public static async Future<int> Work(IPEndPoint ep, AsyncTcpListener listener, Task<int> t)
                {
                    {{body}}
                }
            }
            """).AssertCompiles();
        Assert.True(run.GeneratorDiagnostics.IsEmpty, string.Join("\n", run.GeneratorDiagnostics));
        Assert.DoesNotContain("wraps the fallback", run.Source("WorkFuture"), StringComparison.Ordinal);
        Assert.DoesNotContain(run.Output.GetDiagnostics(), d => d.Id is "CS0414" or "CS0169");
    }

    [Fact]
    public void Future_of_dynamic_compiles_and_is_intercepted()
    {
        var run = GeneratorHarness.Run("""
            using System.Threading.Tasks;
            using AsyncGen;

            public static partial class Snippet
            {
                [PollAsync]
                public static async Future<dynamic> Work() { await Task.Yield(); return 1; }

                public static Future<dynamic> Call() => Work();
            }
            """).AssertCompiles();
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Contains("global::AsyncGen.IFuture<object>", run.Source("WorkFuture"), StringComparison.Ordinal);
    }

    [Fact]
    public void Primary_constructor_parameters_are_read_and_written_through_a_generated_property()
    {
        var run = GeneratorHarness.Run("""
            using System.Threading.Tasks;
            using AsyncGen;

            public partial class Service(int factor, string name)
            {
                [PollAsync]
                public async Future<string> Work() { await Task.Yield(); factor++; return name + factor; }
            }
            """).AssertCompiles();
        Assert.Empty(run.GeneratorDiagnostics);
        var source = run.Source("WorkFuture");
        Assert.Contains("private int __WorkFuture_factor { get => factor; set => factor = value; }", source, StringComparison.Ordinal);
        Assert.Contains("private string __WorkFuture_name => name;", source, StringComparison.Ordinal);
    }
}
