namespace AsyncGen.Generator;

/// <summary>Names of the pipeline steps, used by <c>WithTrackingName</c> and by the cache tests.</summary>
internal static class TrackingNames
{
    public const string Methods = nameof(Methods);
    public const string Machines = nameof(Machines);
    public const string Lowered = nameof(Lowered);
    public const string Diagnostics = nameof(Diagnostics);
    public const string CallSites = nameof(CallSites);
    public const string Interceptors = nameof(Interceptors);
}
