using Microsoft.CodeAnalysis;

namespace AsyncGen.Generator.Model;

/// <summary>A diagnostic to report, with its message arguments already rendered to strings.</summary>
internal sealed record DiagnosticInfo(DiagnosticDescriptor Descriptor, LocationInfo? Location, EquatableArray<string> Arguments)
{
    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, Location? location, params string[] arguments) =>
        new(descriptor, LocationInfo.From(location), new EquatableArray<string>(arguments));

    public Diagnostic ToDiagnostic(Compilation compilation) =>
        Diagnostic.Create(Descriptor, Location?.ToLocation(compilation), System.Linq.Enumerable.ToArray<object>(Arguments));
}
