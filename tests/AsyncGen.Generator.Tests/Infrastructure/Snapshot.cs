using System.Runtime.CompilerServices;
using DiffPlex.DiffBuilder;
using DiffPlex.DiffBuilder.Model;

namespace AsyncGen.Generator.Tests.Infrastructure;

/// <summary>
/// Compares generated code with <c>Snapshots/&lt;Class&gt;.&lt;Test&gt;.verified.cs</c>. On a mismatch it writes
/// <c>*.received.cs</c> next to it and fails with a unified diff; <c>ASYNCGEN_ACCEPT=1</c> accepts the new output.
/// </summary>
internal static class Snapshot
{
    public static void Verify(string actual, string className, [CallerMemberName] string test = "", [CallerFilePath] string callerPath = "")
    {
        var directory = Path.Combine(ProjectDirectory(callerPath), "Snapshots");
        var verified = Path.Combine(directory, $"{className}.{test}.verified.cs");
        var received = Path.ChangeExtension(verified, null).Replace(".verified", ".received") + ".cs";
        actual = actual.Replace("\r\n", "\n");
        var expected = File.Exists(verified) ? File.ReadAllText(verified).Replace("\r\n", "\n") : null;
        if (expected == actual)
        {
            if (File.Exists(received)) File.Delete(received);
            return;
        }
        if (Environment.GetEnvironmentVariable("ASYNCGEN_ACCEPT") == "1")
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(verified, actual);
            return;
        }
        File.WriteAllText(received, actual);
        throw new Xunit.Sdk.XunitException(
            (expected is null ? $"No snapshot {verified} yet." : $"Snapshot {verified} differs:") + "\n" +
            UnifiedDiff(expected ?? "", actual) + "\nRun with ASYNCGEN_ACCEPT=1 to accept.");
    }

    private static string ProjectDirectory(string callerPath)
    {
        for (var directory = Path.GetDirectoryName(callerPath); directory is not null; directory = Path.GetDirectoryName(directory))
            if (File.Exists(Path.Combine(directory, "AsyncGen.Generator.Tests.csproj"))) return directory;
        throw new InvalidOperationException("Cannot find the test project directory from " + callerPath);
    }

    private static string UnifiedDiff(string expected, string actual)
    {
        var diff = InlineDiffBuilder.Diff(expected, actual, ignoreWhiteSpace: false);
        var lines = new List<string>();
        for (var i = 0; i < diff.Lines.Count; i++)
        {
            // Show changed lines with three lines of context, like `diff -u`.
            var near = Enumerable.Range(Math.Max(0, i - 3), Math.Min(diff.Lines.Count, i + 4) - Math.Max(0, i - 3))
                .Any(j => diff.Lines[j].Type != ChangeType.Unchanged);
            if (!near) continue;
            var line = diff.Lines[i];
            lines.Add(line.Type switch
            {
                ChangeType.Inserted => "+ ",
                ChangeType.Deleted => "- ",
                _ => "  ",
            } + line.Text);
        }
        return string.Join("\n", lines);
    }
}
