using AsyncGen.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace AsyncGen.Generator.Tests.Generator;

/// <summary>
/// Warnings in a generated file land on the user's lines (#line) and in their build, yet are about the machine, not
/// their code (their own method is still checked by C# as written): a generated machine raises none.
/// </summary>
public class MachineWarningTests
{
    /// <summary>
    /// A reference-typed local kept across an await becomes a field declared nullable (null until the body assigns it),
    /// so after a resume the field's flow state is "maybe null" where the user's local was not.
    /// </summary>
    private const string HoistedLocals = """
        using System.Collections.Generic;
        using System.Threading.Tasks;
        using AsyncGen;

        namespace App;

        public interface IShape { }
        public sealed class Square : IShape { }

        public static partial class Uses
        {
            [PollAsync]
            public static async Future<(List<int>, int)> InATuple()
            {
                var items = new List<int>();
                await Task.Yield();
                return (items, 1);
            }

            [PollAsync]
            public static async Future<int> AsTypeArguments()
            {
                var items = new List<int>();
                var square = new Square();
                await Task.Yield();
                return NotNull(items) + Both(items, new List<int>()) + Shape(square) + ByRef(ref items);
            }

            private static int NotNull<T>(T value) where T : notnull => 1;
            private static int Both<T>(T a, T b) where T : class => 2;
            private static int Shape<T>(T value) where T : IShape => 3;
            private static int ByRef(ref List<int> items) => items.Count;
        }
        """;

    /// <summary>
    /// The only await sits inside the awaiting finally block: Dispose cuts the block there and enters nothing, so the
    /// catch needs no guard against a cleanup's exceptions (its field would never be assigned: CS0649).
    /// </summary>
    private const string AwaitOnlyInFinally = """
        using System.Collections.Generic;
        using System.Threading.Tasks;
        using AsyncGen;

        namespace App;

        public static partial class Uses
        {
            [PollAsync]
            public static async Future<int> FilterAroundAwaitingFinally(List<string> log)
            {
                try
                {
                    try { throw new KeyNotFoundException("missing"); }
                    finally { await Task.Yield(); log.Add("finally"); }
                }
                catch (KeyNotFoundException e) when (e.Message == "missing")
                {
                    log.Add("caught");
                }
                return log.Count;
            }
        }
        """;

    [Theory]
    [InlineData(nameof(HoistedLocals))]
    [InlineData(nameof(AwaitOnlyInFinally))]
    public void Generated_machines_raise_no_warning(string source)
    {
        var text = source == nameof(HoistedLocals) ? HoistedLocals : AwaitOnlyInFinally;
        var run = GeneratorHarness.Run(text).AssertCompiles();

        var generated = run.Output.GetDiagnostics()
            .Where(d => d.Severity == DiagnosticSeverity.Warning
                && d.Location.SourceTree?.FilePath.EndsWith(".g.cs", StringComparison.Ordinal) == true)
            .Select(d => d.Id + ": " + d.GetMessage());
        Assert.Empty(generated);
    }
}
