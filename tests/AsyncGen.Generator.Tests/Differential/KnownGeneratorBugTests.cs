using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;

namespace AsyncGen.Generator.Tests.Differential;

/// <summary>
/// The programs of <see cref="KnownGeneratorBugs.Broken"/> still show their bug: each either makes the generated
/// code fail to compile or runs differently from <c>async Task</c>. When a fix lands, this fails and names the
/// programs to move back into the generated world.
/// </summary>
public class KnownGeneratorBugTests
{
    [Fact]
    public void Every_broken_program_is_still_broken()
    {
        var broken = KnownGeneratorBugs.Broken.Keys.ToHashSet();
        var run = CompiledWorlds.RunGenerator(broken.Contains);
        var failingToCompile = run.Errors.Select(ProgramOf).OfType<string>().ToHashSet();

        var compiling = broken.Except(failingToCompile).ToHashSet();
        var fixedPrograms = new List<string>();
        if (compiling.Count > 0)
        {
            var rerun = CompiledWorlds.RunGenerator(compiling.Contains).AssertCompiles();
            var generated = CompiledWorlds.Load(rerun.Output);
            foreach (var program in compiling)
            {
                var expected = ProgramRunner.RunTask(CompiledWorlds.Instance.Value.Tasks, program);
                if (ProgramRunner.RunFuture(generated, program).ToString() == expected.ToString()) fixedPrograms.Add(program);
            }
        }
        Assert.True(fixedPrograms.Count == 0,
            $"Fixed: {string.Join(", ", fixedPrograms)}. Remove them from KnownGeneratorBugs.Broken so the generated world runs them.");
    }

    /// <summary>The program an error belongs to: generated files are named after the machine, user code by its class.</summary>
    private static string? ProgramOf(Diagnostic error)
    {
        var path = error.Location.SourceTree?.FilePath ?? "";
        var match = Regex.Match(path, @"(P_\w+?)\.");
        if (match.Success) return match.Groups[1].Value;
        var node = error.Location.SourceTree?.GetRoot().FindNode(error.Location.SourceSpan);
        return node?.AncestorsAndSelf().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.TypeDeclarationSyntax>().LastOrDefault()?.Identifier.Text;
    }
}
