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

    /// <summary>One source with every program and an entry point whose calls the generator intercepts.</summary>
    public static string Combined(bool taskWorld)
    {
        var entry = "public static class Entry\n{\n    public static Future<string> Start(string name, System.Collections.Generic.List<string> log) => name switch\n    {\n" +
                    string.Concat(Names.Select(n => $"        \"{n}\" => {n}.Run(log),\n")) +
                    "        _ => throw new System.ArgumentException(name),\n    };\n}\n";
        var programs = string.Join("\n", Files.Select(f => StripUsings(f.Source)));
        var source = "using System;\nusing System.Collections.Generic;\nusing System.Linq;\nusing System.Threading.Tasks;\nusing AsyncGen;\n\n" + programs + "\n" + entry;
        return taskWorld ? Worlds.ToTaskWorld(source) : source;
    }

    private static string StripUsings(string source) =>
        string.Join("\n", source.Split('\n').Where(l => !l.StartsWith("using ", StringComparison.Ordinal)));

    public static MethodInfo EntryPoint(Assembly assembly) =>
        assembly.GetType("Entry")!.GetMethod("Start")!;
}
