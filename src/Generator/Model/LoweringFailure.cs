using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AsyncGen.Generator.Model;

/// <summary>AG0007 for a method whose lowering threw, located at the method's line when reported.</summary>
internal sealed record LoweringFailure(string FilePath, int Line, string MethodName, string Error)
{
    public Diagnostic ToDiagnostic(Compilation compilation)
    {
        foreach (var tree in compilation.SyntaxTrees)
        {
            if (tree.FilePath != FilePath) continue;
            var lines = tree.GetText().Lines;
            if (Line < 1 || Line > lines.Count) continue;
            // The method declared on that line (its attributes start there): point at its name.
            var start = lines[Line - 1].Start;
            var method = tree.GetRoot().DescendantNodes(n => n.FullSpan.Contains(start) || n.SpanStart >= start)
                .OfType<MethodDeclarationSyntax>().FirstOrDefault(m => m.SpanStart >= start && m.Identifier.ValueText == MethodName);
            var location = method is null ? Location.Create(tree, lines[Line - 1].Span) : method.Identifier.GetLocation();
            return Diagnostic.Create(DiagnosticDescriptors.InternalError, location, MethodName, Error);
        }
        return Diagnostic.Create(DiagnosticDescriptors.InternalError, Location.None, MethodName, Error);
    }
}
