using System.Reflection;
using System.Text.RegularExpressions;

namespace AsyncGen.Generator.Tests.Differential;

/// <summary>The differential programs: embedded <c>Programs/*.cs</c> files, each holding classes with a <c>Run(List&lt;string&gt; log)</c>.</summary>
internal static class ProgramSet
{
    private static readonly Lazy<IReadOnlyList<(string File, string Source)>> s_files = new(() =>
    {
        var assembly = typeof(ProgramSet).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(n => n.Contains(".Differential.Programs.", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(n =>
            {
                using var reader = new StreamReader(assembly.GetManifestResourceStream(n)!);
                return (n, reader.ReadToEnd());
            })
            .ToList();
    });

    public static IReadOnlyList<(string File, string Source)> Files => s_files.Value;

    /// <summary>Names of the program classes: <c>public static partial class P_name</c>.</summary>
    public static IReadOnlyList<string> Names { get; } = s_files.Value
        .SelectMany(f => Regex.Matches(f.Source, @"partial (?:class|struct|record) (P_\w+)").Select(m => m.Groups[1].Value))
        .Distinct()
        .Order(StringComparer.Ordinal)
        .ToList();

    /// <summary>
    /// One source with the programs <paramref name="include"/> accepts (all by default) and an entry point whose calls
    /// the generator intercepts. A program left out is cut from its file (its class, up to the first closing brace
    /// in column 0), so code the generator cannot compile yet does not break the world of the others.
    /// </summary>
    public static string Combined(bool taskWorld, Func<string, bool>? include = null)
    {
        var names = Names.Where(n => include?.Invoke(n) ?? true).ToList();
        var entry = "public static class Entry\n{\n    public static Future<string> Start(string name, System.Collections.Generic.List<string> log) => name switch\n    {\n" +
                    string.Concat(names.Select(n => $"        \"{n}\" => {n}.Run(log),\n")) +
                    "        _ => throw new System.ArgumentException(name),\n    };\n}\n";
        var programs = string.Join("\n", Files.Select(f => StripUsings(Cut(f.Source, Names.Except(names)))));
        var source = "using System;\nusing System.Collections.Generic;\nusing System.Linq;\nusing System.Threading.Tasks;\nusing AsyncGen;\n\n" + programs + "\n" + entry;
        return taskWorld ? Worlds.ToTaskWorld(source) : source;
    }

    private static string Cut(string source, IEnumerable<string> programs)
    {
        foreach (var program in programs)
        {
            var start = Regex.Match(source, @"^public (?:static )?partial (?:class|struct|record) " + program + @"\b", RegexOptions.Multiline);
            if (!start.Success) continue;
            var end = source.IndexOf("\n}", start.Index, StringComparison.Ordinal);
            source = source.Remove(start.Index, end + 2 - start.Index);
        }
        return source;
    }

    private static string StripUsings(string source) =>
        string.Join("\n", source.Split('\n').Where(l => !l.StartsWith("using ", StringComparison.Ordinal)));

    public static MethodInfo EntryPoint(Assembly assembly) =>
        assembly.GetType("Entry")!.GetMethod("Start")!;
}
