namespace AsyncGen.Generator.Tests.Differential;

/// <summary>
/// Differential programs that expose a generator bug of issue 10, each with the bug. All are valid C#: the fallback
/// and <c>async Task</c> worlds run every program; only the generated world treats these apart, and
/// <see cref="KnownGeneratorBugTests"/> fails as soon as one is fixed, so that the fix removes its entry.
/// </summary>
internal static class KnownGeneratorBugs
{
    /// <summary>Generated code that does not compile or computes another result: left out of the generated world.</summary>
    public static readonly IReadOnlyDictionary<string, string> Broken = new Dictionary<string, string>
    {
    };

    /// <summary>
    /// Programs with the right result that start fallback machines in the generated world (after an AG0005 or
    /// silently): compared like the others, but left out of the zero-fallback check and allowed their diagnostic.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> FallsBack = new Dictionary<string, string>
    {
        ["P_AsyncLambdaInBody"] = "generator: an async lambda returning Future runs on the fallback builder (reported by analyzer AG0111: lambdas are not rewritten)",
        ["P_VdBaseReferenceToDerived"] = "generator: a call C# dispatches virtually runs the method C# compiled (AG0009: no machine stands for every override)",
        ["P_VdAbstractAndOverrides"] = "generator: a call C# dispatches virtually runs the method C# compiled (AG0009: no machine stands for every override)",
        ["P_VdProtectedVirtualWithProtectedType"] = "generator: a call C# dispatches virtually runs the method C# compiled (AG0009: no machine stands for every override)",
        ["P_SdUnwrappedTwinKeepsTheFallback"] = "generator: AG0005 for a wrapped lambda of a synthesized delegate type beside an unwrapped one of the same type (the machine's stand-in type would differ from the compiler's)",
    };

    /// <summary>
    /// Programs with the right result whose generated machine carries AG0010 (a switch around an awaiting guard whose
    /// reads may differ from C#'s): the differential run shows they agree here, the warning says where they may not.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> Warned = new Dictionary<string, string>
    {
        ["P_GuardedRefStructPathReadAgain"] = "generator: AG0010, Memory<int>.Span (a ref struct) is read again by each label",
        ["P_GuardedTupleElementNullNestedAndNamed"] = "generator: AG0010, a label reads Probe.Level before testing Pair.Again.Level, which a label before read",
        ["P_GuardedTupleArmsOfASwitchExpression"] = "generator: AG0010, an arm reads the first sensor's Level before testing the second's, which an arm before read",
    };

    public static bool IsBroken(string program) => Broken.ContainsKey(program);
}
