using System.Diagnostics;
using System.Reflection;

namespace AsyncGen.Hosting.Tests;

/// <summary>Runs samples/Worker as a process and stops it the way a terminal or a service manager does.</summary>
public class WorkerSampleShutdownTests
{
    private static string Metadata(string key) =>
        typeof(WorkerSampleShutdownTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

    private static string WorkerDll => Path.Combine(Metadata("AsyncGenRoot"), "samples", "Worker", "bin", Metadata("Configuration"), "net10.0", "Worker.dll");

    [Theory]
    [InlineData("INT")]
    [InlineData("TERM")]
    public async Task The_worker_sample_shuts_down_cleanly_on_a_signal(string signal)
    {
        Assert.True(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), "POSIX signals");
        var start = new ProcessStartInfo("dotnet", [WorkerDll])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(WorkerDll)!,
        };
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        using var worker = Process.Start(start)!;
        var output = new System.Text.StringBuilder();
        var firstJob = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        worker.OutputDataReceived += (_, line) =>
        {
            if (line.Data is null) return;
            lock (output) output.AppendLine(line.Data);
            if (line.Data.Contains("Job 1 processed")) firstJob.TrySetResult();
        };
        worker.ErrorDataReceived += (_, line) =>
        {
            if (line.Data is not null) lock (output) output.AppendLine(line.Data);
        };
        worker.BeginOutputReadLine();
        worker.BeginErrorReadLine();
        try
        {
            await firstJob.Task.WaitAsync(TimeSpan.FromSeconds(60));
            using (var kill = Process.Start("kill", ["-s", signal, worker.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!)
                await kill.WaitForExitAsync();
            await worker.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            string sofar;
            lock (output) sofar = output.ToString();
            throw new TimeoutException($"the worker did not {(firstJob.Task.IsCompleted ? "exit after SIG" + signal : "process job 1")} within 60 s; its output so far:\n{sofar}");
        }
        finally
        {
            if (!worker.HasExited) worker.Kill();
        }
        worker.WaitForExit(); // drains the redirected output
        string log;
        lock (output) log = output.ToString();
        Assert.True(worker.ExitCode == 0, $"exit code {worker.ExitCode}:\n{log}");
        Assert.Contains("Worker cleanup ran (finally block).", log);
        Assert.Contains("Application is shutting down", log);
        Assert.DoesNotContain("fail:", log);
    }
}
