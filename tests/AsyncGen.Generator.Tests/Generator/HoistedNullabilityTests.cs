using AsyncGen.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace AsyncGen.Generator.Tests.Generator;

/// <summary>
/// A reference-typed local kept across an await becomes a field declared nullable (it is null until the body assigns
/// it), so after a resume the compiler's flow state of that field is "maybe null" where the user's local was not.
/// The nullability warnings that would follow are the machine's, not the user's (their own method is still checked
/// by C# as written): none of them may reach the user's build, including the nested and constraint forms.
/// </summary>
public class HoistedNullabilityTests
{
    private const string Source = """
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

    [Fact]
    public void Hoisted_reference_locals_raise_no_nullability_warning_in_the_machine()
    {
        var run = GeneratorHarness.Run(Source).AssertCompiles();

        var generated = run.Output.GetDiagnostics()
            .Where(d => d.Severity == DiagnosticSeverity.Warning
                && d.Location.SourceTree?.FilePath.EndsWith(".g.cs", StringComparison.Ordinal) == true)
            .Select(d => d.Id + ": " + d.GetMessage());
        Assert.Empty(generated);
    }
}
