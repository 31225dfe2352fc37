namespace AsyncGen.Package.Tests;

/// <summary>
/// Compares text the tests produce with a file committed to the repository (DESIGN §7). On a mismatch it writes
/// <c>&lt;name&gt;.received&lt;ext&gt;</c> beside the file (git-ignored) and fails with the first differing line;
/// <c>ASYNCGEN_ACCEPT=1 dotnet test</c> overwrites the committed file instead.
/// </summary>
internal static class Snapshot
{
    public static bool Accepting => Environment.GetEnvironmentVariable("ASYNCGEN_ACCEPT") == "1";

    public static void Verify(string repositoryRelativePath, string actual)
    {
        var path = Repository.PathOf(repositoryRelativePath);
        actual = Normalize(actual);
        if (Accepting)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, actual);
            return;
        }

        // DelayAdd.g.cs → DelayAdd.g.received.cs: git-ignored, and still highlighted as C#.
        var received = Path.ChangeExtension(path, ".received" + Path.GetExtension(path));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        if (!File.Exists(path))
        {
            File.WriteAllText(received, actual);
            Assert.Fail($"{repositoryRelativePath} does not exist yet. Review {received}, then accept it with " +
                        "ASYNCGEN_ACCEPT=1 dotnet test tests/AsyncGen.Package.Tests -c Release.");
        }

        var expected = Normalize(File.ReadAllText(path));
        if (expected == actual)
        {
            File.Delete(received);
            return;
        }
        File.WriteAllText(received, actual);
        Assert.Fail($"{repositoryRelativePath} is stale.\n{FirstDifference(expected, actual)}\n" +
                    $"The new text is in {received}; accept it with ASYNCGEN_ACCEPT=1 dotnet test tests/AsyncGen.Package.Tests -c Release.");
    }

    public static string Normalize(string text) => text.Replace("\r\n", "\n").TrimEnd('\n') + "\n";

    public static string FirstDifference(string expected, string actual)
    {
        var expectedLines = expected.Split('\n');
        var actualLines = actual.Split('\n');
        for (int i = 0; i < Math.Max(expectedLines.Length, actualLines.Length); i++)
        {
            var e = i < expectedLines.Length ? expectedLines[i] : "<end of text>";
            var a = i < actualLines.Length ? actualLines[i] : "<end of text>";
            if (e != a) return $"First difference at line {i + 1}:\n- {e}\n+ {a}";
        }
        return "The texts differ only in line endings.";
    }
}
