namespace AsyncGen.Generator.Model;

/// <summary>
/// A call of a <c>[PollAsync]</c> method that an interceptor replaces by the boxed struct machine.
/// <c>Signature</c> (parameters and body of the interceptor) groups call sites into one interceptor.
/// </summary>
/// <remarks>A call that cannot be intercepted carries <c>NotIntercepted</c> (AG0009) instead of an interceptor;
/// it is reported unless the call sits in the body of a <c>[PollAsync]</c> method (<c>EnclosingMethodKey</c>) whose
/// generated machine replaces the call anyway.</remarks>
internal sealed record CallSiteSpec(
    string MethodKey, string MethodName, string ReturnType, string Parameters, string Body,
    int Version, string Data, string DisplayLocation,
    DiagnosticInfo? NotIntercepted = null, string? EnclosingMethodKey = null)
{
    public string Signature => ReturnType + " " + Parameters + " => " + Body;

    public static CallSiteSpec Rejected(string methodKey, DiagnosticInfo reason, string? enclosingMethodKey) =>
        new(methodKey, "", "", "", "", 0, "", "", reason, enclosingMethodKey);
}
