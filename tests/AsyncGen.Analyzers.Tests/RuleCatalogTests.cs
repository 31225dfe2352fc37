using AsyncGen.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using AsyncGen.Analyzers.Tests.Verification;

namespace AsyncGen.Analyzers.Tests;

/// <summary>The rule set as a whole: IDs, defaults, help links and their docs pages.</summary>
public sealed class RuleCatalogTests
{
    private static readonly DiagnosticDescriptor[] s_rules = typeof(AsyncGenAnalyzer).Assembly.GetTypes()
        .Where(type => !type.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(type))
        .SelectMany(type => ((DiagnosticAnalyzer)Activator.CreateInstance(type)!).SupportedDiagnostics)
        .OrderBy(rule => rule.Id, StringComparer.Ordinal)
        .ToArray();

    [Fact]
    public void Analyzers_export_exactly_the_rules_AG0100_to_AG0112()
    {
        var expected = Enumerable.Range(100, 13).Select(n => $"AG0{n}");
        Assert.Equal(expected, s_rules.Select(rule => rule.Id));
    }

    [Fact]
    public void Every_rule_is_enabled_by_default_and_a_warning_except_the_AG0110_suggestion()
    {
        Assert.All(s_rules, rule =>
        {
            // AG0110 flags code that is correct but slower than its author likely meant: a suggestion.
            Assert.Equal(rule.Id == "AG0110" ? DiagnosticSeverity.Info : DiagnosticSeverity.Warning, rule.DefaultSeverity);
            Assert.True(rule.IsEnabledByDefault);
        });
    }

    [Fact]
    public void Every_help_link_points_at_an_existing_docs_page_with_the_required_sections()
    {
        Assert.All(s_rules, rule =>
        {
            Assert.Equal($"https://github.com/asyncgen/asyncgen/blob/main/docs/rules/{rule.Id}.md", rule.HelpLinkUri);
            var page = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "docs", "rules", rule.Id + ".md"));
            Assert.StartsWith($"# {rule.Id}: {rule.Title}", page);
            Assert.Contains("## Why", page);
            Assert.Contains("## Example", page);
            Assert.Contains("## Suppress", page);
        });
    }
}
