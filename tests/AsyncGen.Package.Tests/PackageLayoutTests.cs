using System.IO.Compression;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Xml.Linq;

namespace AsyncGen.Package.Tests;

/// <summary>What `dotnet pack` puts into AsyncGen.nupkg and AsyncGen.snupkg (`unzip -l`, asserted).</summary>
[Collection(PackageCollection.Name)]
public sealed class PackageLayoutTests(PackagedConsumers consumers)
{
    private static readonly string[] s_compilerPlugins =
        ["AsyncGen.Analyzers.CodeFixes.dll", "AsyncGen.Analyzers.dll", "AsyncGen.Generator.dll"];

    [Fact]
    public void Nupkg_holds_exactly_the_runtime_the_compiler_plugins_the_targets_and_the_readme()
    {
        string[] expected =
        [
            "AsyncGen.nuspec",
            "README.md",
            "[Content_Types].xml",
            "_rels/.rels",
            .. s_compilerPlugins.Select(dll => "analyzers/dotnet/cs/" + dll),
            "build/AsyncGen.targets",
            "buildTransitive/AsyncGen.targets",
            "lib/net10.0/AsyncGen.Runtime.dll",
            "lib/net10.0/AsyncGen.Runtime.xml",
            "package/services/metadata/core-properties/*.psmdcp",
        ];
        Assert.Equal(expected.Order(StringComparer.Ordinal), EntriesOf(consumers.PackagePath));
    }

    [Fact]
    public void Snupkg_holds_the_runtime_pdb_beside_where_its_dll_goes()
    {
        Assert.Contains("lib/net10.0/AsyncGen.Runtime.pdb", EntriesOf(consumers.SymbolsPackagePath));
    }

    [Fact]
    public void Nuspec_describes_the_package_and_depends_on_nothing()
    {
        var metadata = Nuspec().Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        string? Value(string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value;
        XElement Element(string name) => metadata.Elements().Single(e => e.Name.LocalName == name);

        Assert.Equal("AsyncGen", Value("id"));
        Assert.Equal(Repository.PackageVersion, Value("version"));
        Assert.Contains("[PollAsync]", Value("description"));
        Assert.Equal("expression", (string?)Element("license").Attribute("type"));
        Assert.Equal("MIT", Value("license"));
        Assert.Equal("README.md", Value("readme"));
        Assert.StartsWith("https://", (string?)Element("repository").Attribute("url"));
        Assert.Contains("source-generator", Value("tags")!.Split(' '));
        // A development dependency hides lib/ from compilation (DESIGN §3).
        Assert.NotEqual("true", Value("developmentDependency"));
        // The runtime is inside the package and the compiler brings Roslyn: nothing else to restore.
        Assert.DoesNotContain(Element("dependencies").Descendants(), e => e.Name.LocalName == "dependency");
    }

    [Fact]
    public void Compiler_plugins_need_only_what_the_compiler_and_the_package_provide()
    {
        using var package = Open(consumers.PackagePath);
        foreach (var dll in s_compilerPlugins)
        {
            using var stream = new MemoryStream();
            using (var entry = package.GetEntry("analyzers/dotnet/cs/" + dll)!.Open()) entry.CopyTo(stream);
            stream.Position = 0;
            using var pe = new PEReader(stream);
            var reader = pe.GetMetadataReader();
            foreach (var handle in reader.AssemblyReferences)
            {
                var reference = reader.GetAssemblyReference(handle);
                var name = reader.GetString(reference.Name);
                if (name.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal))
                {
                    // Built against a newer Roslyn than the SDK's compiler, the generator would not load (CS9057).
                    Assert.True(reference.Version <= new Version(4, 14, 0, 0), $"{dll} references {name} {reference.Version}, newer than 4.14.0.");
                    continue;
                }
                bool provided = name is "netstandard" or "mscorlib" || name.StartsWith("System.", StringComparison.Ordinal)
                    || s_compilerPlugins.Contains(name + ".dll");
                Assert.True(provided, $"{dll} references {name}, which neither the compiler nor the package provides.");
            }
        }
    }

    private XDocument Nuspec()
    {
        using var package = Open(consumers.PackagePath);
        using var nuspec = package.GetEntry("AsyncGen.nuspec")!.Open();
        return XDocument.Load(nuspec);
    }

    private IEnumerable<string> EntriesOf(string package)
    {
        using var zip = Open(package);
        // The core-properties part has a generated name; everything else is fixed.
        return zip.Entries
            .Select(e => e.FullName.StartsWith("package/services/metadata/core-properties/", StringComparison.Ordinal) && e.FullName.EndsWith(".psmdcp", StringComparison.Ordinal)
                ? "package/services/metadata/core-properties/*.psmdcp"
                : e.FullName)
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    private ZipArchive Open(string package)
    {
        Assert.True(consumers.Pack.Succeeded, consumers.Pack.ToString());
        return ZipFile.OpenRead(package);
    }
}
