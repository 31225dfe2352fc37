namespace AsyncGen.Generator.Model;

/// <summary>
/// The user's partial type that declares interceptors for calls whose signature uses a private or protected type:
/// only members of that type can name it. <c>Modifiers</c> are the interceptor's (the method's own accessibility,
/// <c>static</c> or <c>readonly</c> as the method is), so the interceptor is accessible exactly where the method is.
/// </summary>
internal sealed record InterceptorHost(string? Namespace, EquatableArray<ContainingTypeSpec> Types, string Modifiers)
{
    /// <summary>Groups the interceptors of one type into one partial declaration.</summary>
    public string TypeKey => (Namespace ?? "") + "|" + string.Join(".", System.Linq.Enumerable.Select(Types, t => t.Name + t.TypeParameters));
}
