using Microsoft.CodeAnalysis;

namespace AsyncGen.Generator;

/// <summary>Every diagnostic the generator reports; each ID has a page under docs/rules.</summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "AsyncGen";

    public static readonly DiagnosticDescriptor ContainingTypeNotPartial = Create(
        "AG0001", "Containing type must be partial",
        "'{0}' must be declared partial so that the state machine of '{1}' can be generated inside it",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor InvalidReturnType = Create(
        "AG0002", "[PollAsync] methods must return Future or Future<T>",
        "'{0}' returns '{1}'; a [PollAsync] method must return AsyncGen.Future or AsyncGen.Future<T>",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor RefLikeLocalAcrossAwait = Create(
        "AG0003", "ref or ref-struct local alive across an await",
        "'{0}' of type '{1}' is used after an await, but a ref local or a ref struct (such as Span<T>) cannot be stored in the state machine",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor NotAsync = Create(
        "AG0004", "[PollAsync] method is not async",
        "'{0}' is not declared async; [PollAsync] rewrites the awaits of an async method",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor UnsupportedConstruct = Create(
        "AG0005", "Construct not supported by the generator",
        "The generator does not support {0} in '{1}'; this method runs through the fallback builder instead (same behaviour, more allocations)",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor MethodGroup = Create(
        "AG0006", "[PollAsync] method used as a method group",
        "'{0}' is used as a method group or delegate, which cannot be intercepted; calls through it run the fallback builder",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor InternalError = Create(
        "AG0007", "The generator failed on this method",
        "The generator failed on '{0}' ({1}); the method runs through the fallback builder. Please report this.",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor LocalFunction = Create(
        "AG0008", "[PollAsync] on a local function",
        "The local function '{0}' runs through the fallback builder: the generator only rewrites methods, whose machine it can nest in their partial type; make '{0}' a method of a partial type to get a generated machine",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor CallNotIntercepted = Create(
        "AG0009", "[PollAsync] call runs through the fallback builder",
        "This call of '{0}' runs through the fallback builder: {1}; {2}",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor PatternReadDiffers = Create(
        "AG0010", "A switch around an awaiting guard reads a value other than C# does",
        "In '{1}', {0}; if the getter has side effects or its value changes, copy the values into locals and switch on those",
        DiagnosticSeverity.Warning);

    private static DiagnosticDescriptor Create(string id, string title, string message, DiagnosticSeverity severity) =>
        new(id, title, message, Category, severity, isEnabledByDefault: true,
            helpLinkUri: $"https://github.com/asyncgen/asyncgen/blob/main/docs/rules/{id}.md");
}
