using System.Xml.Linq;

namespace AsyncGen.Package.Tests;

/// <summary>
/// Packs AsyncGen once and builds, from scratch, the consumer projects every package test looks at:
/// <list type="bullet">
/// <item><c>Demo</c>: <c>dotnet new console</c> + <c>dotnet add package AsyncGen --source &lt;feed&gt;</c>, the README's
/// quick-start program, a blocking call for AG0100 and a method group for AG0006 (built again in strict mode);</item>
/// <item><c>App</c> → <c>Lib</c> → AsyncGen: an app that gets the package only transitively.</item>
/// </list>
/// Everything lives in one temporary folder with its own nuget.config and its own package cache
/// (<c>RestorePackagesPath</c>), so a package left in a user's cache by an earlier run can never make a test pass.
/// Each step's result is kept, and the tests assert on them; a failed step does not hide the others.
/// </summary>
public sealed class PackagedConsumers : IDisposable
{
    private static readonly TimeSpan s_stepTimeout = TimeSpan.FromMinutes(5);
    private const string LocalFeedName = "asyncgen-local";

    public string WorkRoot { get; }
    public string Feed { get; }
    public string Packages { get; }
    public string DemoDirectory => Path.Combine(WorkRoot, "Demo");
    public string AppDirectory => Path.Combine(WorkRoot, "App");

    public CliResult Pack { get; }
    public string PackagePath => Path.Combine(Feed, $"AsyncGen.{Repository.PackageVersion}.nupkg");
    public string SymbolsPackagePath => Path.Combine(Feed, $"AsyncGen.{Repository.PackageVersion}.snupkg");
    public CliResult? NewConsole { get; }
    public CliResult? AddPackage { get; }
    public CliResult? Build { get; }
    public CliResult? RunDemo { get; }
    public CliResult? RunApp { get; }
    public CliResult? DemoProperties { get; }
    public CliResult? AppProperties { get; }
    public CliResult? BuildFolderProperties { get; }
    public CliResult? BuildWithCSharp10 { get; }
    public CliResult? StrictProperties { get; }
    public CliResult? BuildStrict { get; }
    /// <summary><c>dotnet new console</c> and <c>dotnet new worker</c>, each using every public AsyncGen type by its simple name.</summary>
    public IReadOnlyList<CliResult> NamesSetup => _namesSetup;
    public CliResult? BuildNames { get; }
    public string RuntimeAssemblyPath => Path.Combine(Packages, "asyncgen", Repository.PackageVersion, "lib", "net10.0", "AsyncGen.Runtime.dll");
    private readonly List<CliResult> _namesSetup = [];

    private readonly Dictionary<string, string> _environment;

    public PackagedConsumers()
    {
        WorkRoot = Path.Combine(Path.GetTempPath(), "asyncgen-package-tests-" + Guid.NewGuid().ToString("N")[..8]);
        Feed = Path.Combine(WorkRoot, "feed");
        Packages = Path.Combine(WorkRoot, "packages");
        Directory.CreateDirectory(Feed);
        // Also for `dotnet new` and `dotnet add package`, which restore before any Directory.Build.props applies.
        _environment = new() { ["NUGET_PACKAGES"] = Packages };

        Pack = Dotnet(Repository.Root, "pack", Repository.PathOf("src/Package/AsyncGen.Package.csproj"),
            "-c", Repository.Configuration, "--no-build", "-o", Feed, "-nodeReuse:false");
        if (!Pack.Succeeded) return;

        WriteNuGetConfig();
        WriteDirectoryBuildFiles();

        NewConsole = Dotnet(WorkRoot, "new", "console", "-o", "Demo", "-n", "Demo");
        if (!NewConsole.Succeeded) return;
        AddPackage = Dotnet(DemoDirectory, "add", "package", "AsyncGen", "--version", Repository.PackageVersion, "--source", Feed);
        if (!AddPackage.Succeeded) return;

        CopyConsumerSources("Demo");
        CopyConsumerSources("Lib");
        CopyConsumerSources("App");
        File.WriteAllText(Path.Combine(WorkRoot, "Consumers.slnx"),
            """
            <Solution>
              <Project Path="Demo/Demo.csproj" />
              <Project Path="Lib/Lib.csproj" />
              <Project Path="App/App.csproj" />
            </Solution>
            """);

        // One build for all three projects: one restore, one MSBuild start-up.
        Build = Dotnet(WorkRoot, "build", "Consumers.slnx", "-nodeReuse:false", "-p:EmitCompilerGeneratedFiles=true");
        if (!Build.Succeeded) return;

        RunDemo = Dotnet(DemoDirectory, Path.Combine("bin", "Debug", "net10.0", "Demo.dll"));
        RunApp = Dotnet(AppDirectory, Path.Combine("bin", "Debug", "net10.0", "App.dll"));
        DemoProperties = Dotnet(DemoDirectory, "msbuild", "-getProperty:InterceptorsNamespaces", "-getProperty:WarningsAsErrors");
        AppProperties = Dotnet(AppDirectory, "msbuild", "-getProperty:InterceptorsNamespaces", "-getProperty:WarningsAsErrors");
        // build/ is what NuGet clients older than 5.0 import; evaluate it on its own, as they would.
        var oldClient = Path.Combine(WorkRoot, "OldClient");
        Directory.CreateDirectory(oldClient);
        var buildTargets = Path.Combine(Packages, "asyncgen", Repository.PackageVersion, "build", "AsyncGen.targets");
        File.WriteAllText(Path.Combine(oldClient, "OldClient.proj"), $"""<Project><Import Project="{buildTargets}" /></Project>""");
        BuildFolderProperties = Dotnet(oldClient, "msbuild", "OldClient.proj", "-getProperty:InterceptorsNamespaces", "-getProperty:WarningsAsErrors");
        BuildNames = BuildNameConsumers();

        // Strict mode: the fallback diagnostics become errors (Demo's Fallback.cs has an AG0006). Leaves Demo half-built.
        StrictProperties = Dotnet(DemoDirectory, "msbuild", "-p:AsyncGenStrict=true", "-getProperty:AsyncGenFallbackDiagnostics", "-getProperty:WarningsAsErrors");
        // --no-incremental: a property change alone would not make CoreCompile run again.
        BuildStrict = Dotnet(DemoDirectory, "build", "--no-restore", "--no-incremental", "-nodeReuse:false", "-p:AsyncGenStrict=true");
        // Last, as it leaves Demo half-built: the package's targets must stop a C# 10 build before the compiler runs.
        BuildWithCSharp10 = Dotnet(DemoDirectory, "build", "--no-restore", "-nodeReuse:false", "-p:LangVersion=10");
    }

    // A console and a worker project as the templates make them (implicit usings on), each with a file that names
    // every public AsyncGen type by its simple name under every AsyncGen namespace and the BCL namespaces used for
    // the same jobs: CS0104 (ambiguous reference) fails the build if any name clashes. Built apart from the other
    // consumers so that a clash does not hide their results.
    private CliResult? BuildNameConsumers()
    {
        var everyType = EveryPublicTypeSource(PublicTypeNames.Of(RuntimeAssemblyPath));
        foreach (var template in new[] { "console", "worker" })
        {
            var name = "Names" + char.ToUpperInvariant(template[0]) + template[1..];
            var created = Dotnet(WorkRoot, "new", template, "-o", name, "-n", name);
            _namesSetup.Add(created);
            if (!created.Succeeded) return null;
            var added = Dotnet(Path.Combine(WorkRoot, name), "add", "package", "AsyncGen", "--version", Repository.PackageVersion, "--source", Feed);
            _namesSetup.Add(added);
            if (!added.Succeeded) return null;
            File.WriteAllText(Path.Combine(WorkRoot, name, "EveryPublicType.cs"), everyType);
            CopyConsumerSources("Names", name);
        }
        File.WriteAllText(Path.Combine(WorkRoot, "Names.slnx"),
            """
            <Solution>
              <Project Path="NamesConsole/NamesConsole.csproj" />
              <Project Path="NamesWorker/NamesWorker.csproj" />
            </Solution>
            """);
        return Dotnet(WorkRoot, "build", "Names.slnx", "-nodeReuse:false");
    }

    /// <summary>A C# file naming every given type in <c>typeof</c> by its simple name, with a <c>using</c> for its namespace.</summary>
    internal static string EveryPublicTypeSource(IEnumerable<PublicTypeName> types)
    {
        var list = types.OrderBy(t => t.Namespace, StringComparer.Ordinal).ThenBy(t => t.Name, StringComparer.Ordinal).ToList();
        var usings = list.Select(t => t.Namespace).Concat(["System.Net", "System.Net.Sockets", "System.Threading.Channels"])
            .Distinct().Order(StringComparer.Ordinal).Select(n => $"using {n};");
        var typeofs = list.Select(t => $"        typeof({t.TypeofOperand}),");
        return "// Written by the package tests: every public type of AsyncGen.Runtime by its simple name.\n" +
               string.Join("\n", usings) + "\n\n" +
               "internal static class EveryPublicType\n{\n    public static readonly Type[] All =\n    [\n" +
               string.Join("\n", typeofs) + "\n    ];\n}\n";
    }

    /// <summary>The files the generator wrote for Demo (EmitCompilerGeneratedFiles), by path relative to the generator's folder.</summary>
    public IReadOnlyDictionary<string, string> DemoGeneratedFiles()
    {
        var folder = Path.Combine(DemoDirectory, "obj", "Debug", "net10.0", "generated", "AsyncGen.Generator");
        if (!Directory.Exists(folder)) return new Dictionary<string, string>();
        return Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .ToDictionary(f => Path.GetRelativePath(folder, f).Replace('\\', '/'), File.ReadAllText);
    }

    /// <summary>Every command the fixture ran, in order, for the timing summary.</summary>
    public IReadOnlyList<CliResult> Steps => _steps;
    private readonly List<CliResult> _steps = [];

    private CliResult Dotnet(string workingDirectory, params string[] arguments)
    {
        var result = DotnetCli.Run(workingDirectory, s_stepTimeout, _environment, arguments);
        _steps.Add(result);
        return result;
    }

    // The repository's package sources (the public feed) plus the temporary feed, with source mapping so that
    // AsyncGen can only come from the temporary feed, whatever a public feed might serve under that name.
    private void WriteNuGetConfig()
    {
        var repositoryConfig = XDocument.Load(Repository.PathOf("nuget.config"));
        var publicSources = repositoryConfig.Descendants("packageSources").Elements("add").ToList();
        var config = new XElement("configuration",
            new XElement("packageSources",
                new XElement("clear"),
                new XElement("add", new XAttribute("key", LocalFeedName), new XAttribute("value", Feed)),
                publicSources),
            new XElement("packageSourceMapping",
                new XElement("packageSource", new XAttribute("key", LocalFeedName),
                    new XElement("package", new XAttribute("pattern", "AsyncGen"))),
                publicSources.Select(source => new XElement("packageSource", new XAttribute("key", (string)source.Attribute("key")!),
                    new XElement("package", new XAttribute("pattern", "*"))))));
        config.Save(Path.Combine(WorkRoot, "nuget.config"));
    }

    private void WriteDirectoryBuildFiles()
    {
        File.WriteAllText(Path.Combine(WorkRoot, "Directory.Build.props"),
            $"""
            <Project>
              <PropertyGroup>
                <!-- A cache of our own: what restores here came from this run's feed. -->
                <RestorePackagesPath>{Packages}</RestorePackagesPath>
                <AsyncGenVersion>{Repository.PackageVersion}</AsyncGenVersion>
                <!-- No compiler server outliving the test (see DotnetCli). -->
                <UseSharedCompilation>false</UseSharedCompilation>
              </PropertyGroup>
            </Project>
            """);
    }

    private void CopyConsumerSources(string project, string? targetProject = null)
    {
        var source = Path.Combine(Repository.PathOf("tests/AsyncGen.Package.Tests/Consumers"), project);
        var target = Path.Combine(WorkRoot, targetProject ?? project);
        Directory.CreateDirectory(target);
        foreach (var file in Directory.EnumerateFiles(source))
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)), overwrite: true);
    }

    public void Dispose()
    {
        // ASYNCGEN_KEEP_PACKAGE_TESTS=1 keeps the workspace for a look at the consumer projects.
        if (Environment.GetEnvironmentVariable("ASYNCGEN_KEEP_PACKAGE_TESTS") == "1") return;
        try { Directory.Delete(WorkRoot, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PackageCollection : ICollectionFixture<PackagedConsumers>
{
    public const string Name = "AsyncGen package";
}
