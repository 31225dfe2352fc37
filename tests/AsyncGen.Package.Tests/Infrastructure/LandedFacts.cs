using System.Text.RegularExpressions;

namespace AsyncGen.Package.Tests;

/// <summary>
/// The parts of the package that other issues deliver: the generator (issue 3) and the analyzers (issue 6). Until
/// one has landed in src/ its package tests are skipped, with a reason that says which issue they wait for; they
/// run by themselves as soon as it lands.
/// </summary>
internal static class Landed
{
    private static readonly Lazy<bool> s_generator = new(() =>
        SourceMatches("src/Generator", new Regex(@"\[Generator(Attribute)?(\(|\])")));

    public static bool Generator => s_generator.Value;

    public static bool AnalyzerRule(string id) => SourceMatches("src/Analyzers", new Regex(Regex.Escape($"\"{id}\"")));

    private static bool SourceMatches(string folder, Regex pattern) =>
        Directory.EnumerateFiles(Repository.PathOf(folder), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"))
            .Any(f => pattern.IsMatch(File.ReadAllText(f)));
}

/// <summary>A fact about what the source generator does in a consumer; skipped until the generator exists.</summary>
public sealed class GeneratorFactAttribute : FactAttribute
{
    public GeneratorFactAttribute()
    {
        if (!Landed.Generator)
            Skip = "Needs the source generator (issue 3): src/Generator has no [Generator] yet. Runs once it is merged.";
    }
}

/// <summary>A fact about an analyzer rule in a consumer's build; skipped until the rule exists.</summary>
public sealed class AnalyzerRuleFactAttribute : FactAttribute
{
    public AnalyzerRuleFactAttribute(string ruleId)
    {
        if (!Landed.AnalyzerRule(ruleId))
            Skip = $"Needs analyzer rule {ruleId} (issue 6): src/Analyzers does not define \"{ruleId}\" yet. Runs once it is merged.";
    }
}
