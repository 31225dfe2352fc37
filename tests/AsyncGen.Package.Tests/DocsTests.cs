using System.Text.RegularExpressions;

namespace AsyncGen.Package.Tests;

/// <summary>
/// Documentation that shows code is produced from code, so it cannot go stale:
/// <list type="bullet">
/// <item><c>docs/generated/DelayAdd.g.cs</c> and <c>DelayAdd.Interceptors.g.cs</c> are what the generator in the
/// packed AsyncGen writes for the quick-start <c>DelayAdd</c> of a fresh console app and for its call;</item>
/// <item><c>docs/generated/QuickStart.output.txt</c> is what that console app prints;</item>
/// <item>every README region <c>&lt;!-- include: path --&gt;</c> … <c>&lt;!-- /include --&gt;</c> holds the named file
/// verbatim in a code fence (the quick-start program, the generated machine); <c>path#L5-L40</c> includes those
/// lines only, for an excerpt.</item>
/// </list>
/// <c>ASYNCGEN_ACCEPT=1 dotnet test tests/AsyncGen.Package.Tests -c Release</c> rewrites all of them.
/// </summary>
[Collection(PackageCollection.Name)]
public sealed partial class DocsTests(PackagedConsumers consumers)
{
    public const string GeneratedDelayAdd = "docs/generated/DelayAdd.g.cs";
    public const string GeneratedDelayAddInterceptors = "docs/generated/DelayAdd.Interceptors.g.cs";
    public const string QuickStartOutput = "docs/generated/QuickStart.output.txt";

    /// <summary>Where the consumer workspace appears in generated text (<c>#line</c> paths), for stable docs.</summary>
    public const string WorkspacePlaceholder = "/home/user";

    [Fact]
    public void Generated_DelayAdd_machine_matches_docs_generated_DelayAdd()
    {
        Snapshot.Verify(GeneratedDelayAdd, GeneratedFile(name => name.EndsWith(".DelayAddFuture.g.cs", StringComparison.Ordinal)));
    }

    [Fact]
    public void Generated_interceptor_of_the_DelayAdd_call_matches_docs_generated_DelayAdd_Interceptors()
    {
        Snapshot.Verify(GeneratedDelayAddInterceptors, GeneratedFile(name => name.Contains("Interceptors", StringComparison.Ordinal)));
    }

    [Fact]
    public void Quick_start_output_matches_docs_generated_QuickStart_output()
    {
        ConsumerTests.AssertSucceeded(consumers.RunDemo);
        Snapshot.Verify(QuickStartOutput, consumers.RunDemo!.Output);
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

    // The one file the generator wrote for Demo whose name matches, with the temporary workspace path made stable.
    private string GeneratedFile(Func<string, bool> nameMatches)
    {
        ConsumerTests.AssertSucceeded(consumers.Build);
        var files = consumers.DemoGeneratedFiles();
        var matching = files.Where(f => nameMatches(Path.GetFileName(f.Key))).ToList();
        Assert.True(matching.Count == 1, "Expected one matching generated file among: " + string.Join(", ", files.Keys));
        return matching[0].Value.Replace(consumers.WorkRoot, WorkspacePlaceholder);
    }

    [GeneratedRegex(@"<!-- include: (?<reference>(?<path>[^ #]+)(\#L(?<from>\d+)-L(?<to>\d+))?) -->\n```(?<language>\w*)\n(?<body>.*?)```\n<!-- /include -->", RegexOptions.Singleline)]
    private static partial Regex IncludeRegion();
}
