namespace AsyncGen.Generator.Model;

/// <summary>
/// A property the generator adds to the user's partial type so that the machine (a nested type, which cannot see
/// primary-constructor parameters) can read, and if the body assigns it write, the parameter <c>Name</c>.
/// </summary>
internal sealed record PrimaryConstructorAccessor(string Name, string Type, string Property, bool IsWritten);
