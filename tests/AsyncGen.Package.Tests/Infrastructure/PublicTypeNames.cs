using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Runtime.InteropServices;

namespace AsyncGen.Package.Tests;

/// <summary>A public top-level type as C# names it: namespace, simple name, generic arity.</summary>
public readonly record struct PublicTypeName(string Namespace, string Name, int Arity)
{
    /// <summary>The type as <c>typeof</c> spells it by its simple name: <c>FutureBox&lt;,&gt;</c>.</summary>
    public string TypeofOperand => Arity == 0 ? Name : $"{Name}<{new string(',', Arity - 1)}>";

    public override string ToString() => $"{Namespace}.{Name}{(Arity == 0 ? "" : $"`{Arity}")}";
}

/// <summary>
/// Reads the public top-level types of assemblies from metadata alone (System.Reflection.Metadata), so reference
/// assemblies of the SDK's packs can be read without loading them. Nested types are left out: no <c>using</c> imports them.
/// </summary>
internal static class PublicTypeNames
{
    public static IReadOnlyList<PublicTypeName> Of(string assemblyPath)
    {
        using var pe = new PEReader(File.OpenRead(assemblyPath));
        if (!pe.HasMetadata) return [];
        var metadata = pe.GetMetadataReader();
        var types = new List<PublicTypeName>();
        foreach (var handle in metadata.TypeDefinitions)
        {
            var type = metadata.GetTypeDefinition(handle);
            if ((type.Attributes & TypeAttributes.VisibilityMask) != TypeAttributes.Public) continue;
            var name = metadata.GetString(type.Name);
            int tick = name.IndexOf('`');
            types.Add(new PublicTypeName(
                metadata.GetString(type.Namespace),
                tick < 0 ? name : name[..tick],
                tick < 0 ? 0 : int.Parse(name[(tick + 1)..])));
        }
        return types;
    }

    /// <summary>
    /// The reference assemblies of the shared frameworks a console (Microsoft.NETCore.App), web
    /// (Microsoft.AspNetCore.App) or worker project (its Microsoft.Extensions.* assemblies are the same ones) compiles
    /// against, from the packs of the SDK that runs the tests.
    /// </summary>
    public static IReadOnlyList<string> SharedFrameworkReferenceAssemblies()
    {
        // The running runtime is <root>/shared/Microsoft.NETCore.App/<version>/; the packs are <root>/packs/.
        var dotnetRoot = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
        var framework = $"net{Environment.Version.Major}.0";
        var assemblies = new List<string>();
        foreach (var pack in new[] { "Microsoft.NETCore.App.Ref", "Microsoft.AspNetCore.App.Ref" })
        {
            var versions = Path.Combine(dotnetRoot, "packs", pack);
            var newest = Directory.Exists(versions)
                ? Directory.EnumerateDirectories(versions)
                    .Where(d => Version.TryParse(Path.GetFileName(d).Split('-')[0], out var v) && v.Major == Environment.Version.Major)
                    .MaxBy(d => Version.Parse(Path.GetFileName(d).Split('-')[0]))
                : null;
            var folder = newest is null ? null : Path.Combine(newest, "ref", framework);
            if (folder is null || !Directory.Exists(folder))
                throw new InvalidOperationException($"No {pack} for {framework} under {versions}: install the .NET SDK with the ASP.NET Core runtime.");
            assemblies.AddRange(Directory.EnumerateFiles(folder, "*.dll"));
        }
        return assemblies;
    }
}
