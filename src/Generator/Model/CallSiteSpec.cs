namespace AsyncGen.Generator.Model;

/// <summary>
/// A call of a <c>[PollAsync]</c> method that an interceptor replaces by the boxed struct machine.
/// <c>Signature</c> (parameters and body of the interceptor) groups call sites into one interceptor.
/// </summary>
/// <remarks>A call that cannot be intercepted carries <c>NotIntercepted</c> (AG0009) instead of an interceptor;
/// it is reported unless the call sits in the body of a <c>[PollAsync]</c> method (<c>EnclosingMethodKey</c>) whose
/// generated machine replaces the call anyway. A call whose signature uses a private or protected type (or whose
/// method's type is private or protected) carries a <c>Host</c>: its interceptor is a member of the method's own
/// type, the only place that can name them.</remarks>
internal sealed record CallSiteSpec(
    string MethodKey, string MethodName, string ReturnType, string Parameters, string Body,
    int Version, string Data, string DisplayLocation,
    DiagnosticInfo? NotIntercepted = null, string? EnclosingMethodKey = null, InterceptorHost? Host = null)
{
    public string Signature => (Host is null ? "" : Host.TypeKey + " " + Host.Modifiers + " ") + ReturnType + " " + Parameters + " => " + Body;

    public static CallSiteSpec Rejected(string methodKey, DiagnosticInfo reason, string? enclosingMethodKey) =>
        new(methodKey, "", "", "", "", 0, "", "", reason, enclosingMethodKey);
}
