namespace AsyncGen.Generator.Model;

/// <summary>
/// A call of a <c>[PollAsync]</c> method that an interceptor replaces by the boxed struct machine.
/// <c>Signature</c> (parameters and body of the interceptor) groups call sites into one interceptor.
/// </summary>
internal sealed record CallSiteSpec(
    string MethodKey, string MethodName, string ReturnType, string Parameters, string Body,
    int Version, string Data, string DisplayLocation)
{
    public string Signature => ReturnType + " " + Parameters + " => " + Body;
}
