using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace AsyncGen.Package.Tests;

/// <summary>
/// README's Quick start, followed literally: its shell blocks run verbatim with <c>bash -e</c>, in order, from the root
/// of a copy of the repository (what a pack needs: <c>src/</c>, the root props, nuget.config and README), with a
/// home directory of our own (<c>HOME</c>) so that <c>~/asyncgen-feed</c>, <c>~/Hello</c> and the user NuGet.Config
/// the commands write are this run's. Between the first and the second block, as README says, <c>Program.cs</c> is
/// replaced with the quick-start program. The home's NuGet.Config starts as a fresh SDK install's would (nuget.org),
/// plus the machine's package cache as a read-only fallback folder so that the build's own packages (Roslyn...) are
/// not downloaded again; AsyncGen itself can only come from the feed the commands create.
/// </summary>
public sealed partial class QuickStartRun : IDisposable
{
    private static readonly TimeSpan s_stepTimeout = TimeSpan.FromMinutes(8);

    public string WorkRoot { get; }
    public string Home { get; }
    public string Clone { get; }
    public IReadOnlyList<string> Blocks { get; }
    public CliResult? Setup { get; }
    public string? AppDirectory { get; }
    public CliResult? Run { get; }
    public CliResult? Format { get; }
    public string? FixesAfterFormat { get; }

    public const string FixesSource = """
        using AsyncGen;

        public static partial class Fixes
        {
            [PollAsync]
            public static async Future<int> Blocking()
            {
                Thread.Sleep(10);
                await Time.Sleep(TimeSpan.FromMilliseconds(1));
                return 1;
            }

            public static void SyncMain()
            {
                Demo.DelayAdd(1, 2);
            }

            public static async Task TaskMain()
            {
                Console.WriteLine(await Demo.DelayAdd(1, 2));
            }
        }

        """;

    public QuickStartRun()
    {
        WorkRoot = Path.Combine(Path.GetTempPath(), "asyncgen-quick-start-" + Guid.NewGuid().ToString("N")[..8]);
        Home = Path.Combine(WorkRoot, "home");
        Clone = Path.Combine(WorkRoot, "clone");
        Blocks = ShellBlocks(File.ReadAllText(Repository.PathOf("README.md")));
        if (Blocks.Count != 3) return;

        CopyForPack();
        WriteUserNuGetConfig();
        var environment = new Dictionary<string, string>
        {
            ["HOME"] = Home,
            ["NUGET_PACKAGES"] = Path.Combine(Home, ".nuget", "packages"),
            // No compiler server outliving the test (see DotnetCli); MSBuild reads it as a property.
            ["UseSharedCompilation"] = "false",
        };

        var cwdFile = Path.Combine(WorkRoot, "cwd");
        Setup = DotnetCli.RunBash(Clone, s_stepTimeout, environment, Blocks[0] + $"\npwd > '{cwdFile}'\n");
        if (!Setup.Succeeded) return;
        AppDirectory = File.ReadAllText(cwdFile).Trim();
        File.Copy(Repository.PathOf("tests/AsyncGen.Package.Tests/Consumers/Demo/Program.cs"), Path.Combine(AppDirectory, "Program.cs"), overwrite: true);
        Run = DotnetCli.RunBash(AppDirectory, s_stepTimeout, environment, Blocks[1]);
        if (!Run.Succeeded) return;

        var fixes = Path.Combine(AppDirectory, "Fixes.cs");
        File.WriteAllText(fixes, FixesSource);
        Format = DotnetCli.RunBash(AppDirectory, s_stepTimeout, environment, Blocks[2]);
        FixesAfterFormat = File.ReadAllText(fixes);
    }

    /// <summary>The <c>```sh</c> blocks of README's "Quick start" section, in order.</summary>
    public static IReadOnlyList<string> ShellBlocks(string readme)
    {
        readme = readme.Replace("\r\n", "\n");
        var start = readme.IndexOf("\n## Quick start\n", StringComparison.Ordinal);
        if (start < 0) return [];
        var end = readme.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        var section = end < 0 ? readme[start..] : readme[start..end];
        return ShellBlock().Matches(section).Select(m => m.Groups["body"].Value).ToList();
    }

    [GeneratedRegex(@"^```sh\n(?<body>.*?)^```$", RegexOptions.Singleline | RegexOptions.Multiline)]
    private static partial Regex ShellBlock();

    private void CopyForPack()
    {
        Directory.CreateDirectory(Clone);
        foreach (var file in new[] { "README.md", "Directory.Build.props", "nuget.config" })
            File.Copy(Repository.PathOf(file), Path.Combine(Clone, file));
        CopyTree(Repository.PathOf("src"), Path.Combine(Clone, "src"));
    }

    private static void CopyTree(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var file in Directory.EnumerateFiles(source))
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        foreach (var directory in Directory.EnumerateDirectories(source))
        {
            var name = Path.GetFileName(directory);
            if (name is "bin" or "obj") continue; // build output: the pack must build from source
            CopyTree(directory, Path.Combine(target, name));
        }
    }

    private void WriteUserNuGetConfig()
    {
        var machineCache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var publicSources = XDocument.Load(Repository.PathOf("nuget.config")).Descendants("packageSources").Elements("add");
        var config = new XElement("configuration",
            new XElement("packageSources", publicSources),
            new XElement("fallbackPackageFolders", new XElement("add", new XAttribute("key", "machine"), new XAttribute("value", machineCache))));
        var path = Path.Combine(Home, ".nuget", "NuGet", "NuGet.Config");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        config.Save(path);
    }

    public void Dispose()
    {
        if (Environment.GetEnvironmentVariable("ASYNCGEN_KEEP_PACKAGE_TESTS") == "1") return;
        try { Directory.Delete(WorkRoot, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
