using System.Text.RegularExpressions;

namespace AsyncGen.Package.Tests;

/// <summary>
/// Documentation that shows code is produced from code, so it cannot go stale:
/// <list type="bullet">
/// <item><c>docs/generated/DelayAdd.g.cs</c> is what the generator in the packed AsyncGen writes for the quick-start
/// <c>DelayAdd</c> of a fresh console app;</item>
/// <item>every README region <c>&lt;!-- include: path --&gt;</c> … <c>&lt;!-- /include --&gt;</c> holds the named file
/// verbatim in a code fence (the quick-start program, the generated machine); <c>path#L5-L40</c> includes those
/// lines only, for an excerpt.</item>
/// </list>
/// <c>ASYNCGEN_ACCEPT=1 dotnet test tests/AsyncGen.Package.Tests -c Release</c> rewrites both.
/// </summary>
[Collection(PackageCollection.Name)]
public sealed partial class DocsTests(PackagedConsumers consumers)
{
    public const string GeneratedDelayAdd = "docs/generated/DelayAdd.g.cs";

    /// <summary>Where the consumer workspace appears in generated text (<c>#line</c> paths), for stable docs.</summary>
    public const string WorkspacePlaceholder = "/home/user";

    [GeneratorFact]
    public void Generated_DelayAdd_machine_matches_docs_generated_DelayAdd()
    {
        ConsumerTests.AssertSucceeded(consumers.Build);
        var files = consumers.DemoGeneratedFiles();
        Assert.True(files.Count > 0, "The generator wrote no file for Demo (EmitCompilerGeneratedFiles).");

        // Everything the generator emitted for the Demo class; the Blocking class of the same project is not docs.
        var forDemo = files.Where(f => !f.Key.Contains("Blocking", StringComparison.Ordinal) && f.Value.Contains("DelayAdd", StringComparison.Ordinal)).ToList();
        Assert.True(forDemo.Count > 0, "No generated file mentions DelayAdd: " + string.Join(", ", files.Keys));
        var text = string.Join("\n", forDemo.Select(f => forDemo.Count == 1 ? f.Value : $"// ---- {Path.GetFileName(f.Key)} ----\n{f.Value}"));
        Snapshot.Verify(GeneratedDelayAdd, text.Replace(consumers.WorkRoot, WorkspacePlaceholder));
    }

    [Fact]
    public void Readme_include_regions_hold_the_files_they_name_verbatim()
    {
        var readmePath = Repository.PathOf("README.md");
        var readme = File.ReadAllText(readmePath).Replace("\r\n", "\n");
        var stale = new List<string>();
        var updated = IncludeRegion().Replace(readme, region =>
        {
            var reference = region.Groups["reference"].Value;
            var path = region.Groups["path"].Value;
            var file = Repository.PathOf(path);
            if (!File.Exists(file))
            {
                stale.Add($"{reference}: no such file");
                return region.Value;
            }
            var expected = Snapshot.Normalize(File.ReadAllText(file));
            if (region.Groups["from"].Success)
            {
                var lines = expected.Split('\n');
                int from = int.Parse(region.Groups["from"].Value), to = Math.Min(int.Parse(region.Groups["to"].Value), lines.Length);
                expected = Snapshot.Normalize(string.Join('\n', lines[(from - 1)..to]));
            }
            var shown = Snapshot.Normalize(region.Groups["body"].Value);
            if (expected != shown) stale.Add($"{reference}: {Snapshot.FirstDifference(expected, shown)}");
            return $"<!-- include: {reference} -->\n```{region.Groups["language"].Value}\n{expected}```\n<!-- /include -->";
        });

        if (Snapshot.Accepting && updated != readme)
        {
            File.WriteAllText(readmePath, updated);
            return;
        }
        Assert.True(stale.Count == 0,
            "README.md regions differ from the files they include (ASYNCGEN_ACCEPT=1 dotnet test tests/AsyncGen.Package.Tests -c Release updates them):\n"
            + string.Join("\n", stale));
    }

    [GeneratedRegex(@"<!-- include: (?<reference>(?<path>[^ #]+)(\#L(?<from>\d+)-L(?<to>\d+))?) -->\n```(?<language>\w*)\n(?<body>.*?)```\n<!-- /include -->", RegexOptions.Singleline)]
    private static partial Regex IncludeRegion();
}
