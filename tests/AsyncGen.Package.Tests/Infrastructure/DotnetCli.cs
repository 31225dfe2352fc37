using System.Diagnostics;
using System.Text;

namespace AsyncGen.Package.Tests;

/// <summary>One finished `dotnet` command: what ran, how it ended, everything it printed.</summary>
public sealed record CliResult(string CommandLine, string WorkingDirectory, int ExitCode, bool TimedOut, string Output, TimeSpan Elapsed)
{
    public bool Succeeded => ExitCode == 0 && !TimedOut;

    public override string ToString() =>
        $"$ cd {WorkingDirectory} && {CommandLine}\n" +
        $"({(TimedOut ? "timed out" : $"exit code {ExitCode}")} after {Elapsed.TotalSeconds:F1} s)\n{Output}";
}

/// <summary>Runs the .NET CLI the way a user's shell would, isolated from the test host's own build environment.</summary>
internal static class DotnetCli
{
    // The CLI that runs these tests (set by `dotnet test`), so consumers build with the same SDK.
    private static readonly string s_dotnet =
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    public static CliResult Run(string workingDirectory, TimeSpan timeout, IReadOnlyDictionary<string, string> environment, params string[] arguments) =>
        RunProgram(s_dotnet, "dotnet", workingDirectory, timeout, environment, arguments);

    /// <summary>
    /// Runs <paramref name="script"/> with <c>bash -e</c>, as a user would type it, with the same isolation and with the
    /// tests' own <c>dotnet</c> first on PATH.
    /// </summary>
    public static CliResult RunBash(string workingDirectory, TimeSpan timeout, IReadOnlyDictionary<string, string> environment, string script)
    {
        var withPath = new Dictionary<string, string>(environment);
        if (Path.IsPathRooted(s_dotnet))
            withPath["PATH"] = Path.GetDirectoryName(s_dotnet) + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH");
        return RunProgram("bash", "bash", workingDirectory, timeout, withPath, ["-e", "-c", script]);
    }

    private static CliResult RunProgram(string program, string displayName, string workingDirectory, TimeSpan timeout,
        IReadOnlyDictionary<string, string> environment, string[] arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);

        // `dotnet test` runs us with MSBuild's own variables set (MSBuildExtensionsPath, MSBuildSDKsPath, ...);
        // a nested build must resolve its SDK from scratch like a user's, so drop them.
        foreach (var key in start.Environment.Keys.ToList())
        {
            if (key.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || key.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase))
                start.Environment.Remove(key);
        }
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        start.Environment["DOTNET_CLI_UI_LANGUAGE"] = "en";
        // No build node or build server may outlive the command: they would inherit our output pipes and keep
        // them open (the read below would never see the end), and they would outlive the test run.
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        foreach (var (key, value) in environment) start.Environment[key] = value;

        var output = new StringBuilder();
        var stopwatch = Stopwatch.StartNew();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        bool exited = process.WaitForExit(timeout);
        if (!exited) process.Kill(entireProcessTree: true);
        process.WaitForExit(); // drains the asynchronous readers
        stopwatch.Stop();

        lock (output)
        {
            return new CliResult(
                $"{displayName} {string.Join(' ', arguments)}", workingDirectory, exited ? process.ExitCode : -1, !exited, output.ToString(), stopwatch.Elapsed);
        }
    }
}
