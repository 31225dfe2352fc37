using System.Diagnostics;
using AsyncGen.Fallback;

namespace AsyncGen.Samples.Tests;

/// <summary>samples/Tour, the README's first command, starts no fallback machine.</summary>
[Collection(FallbackSwitchCollection.Name)]
public class TourTests
{
    [Fact]
    public void Tour_completes_under_the_throwing_switch_and_starts_no_fallback_machine()
    {
        var output = new StringWriter();
        var console = Console.Out;
        Console.SetOut(output);
        long starts;
        try
        {
            starts = FallbackSwitch.Run(throwOnStart: true, () => Samples.Tour.EntryPoint!.Invoke(null, [Array.Empty<string>()]));
        }
        finally
        {
            Console.SetOut(console);
        }
        Assert.Contains("Tour complete.", output.ToString());
        Assert.Equal(0, starts);
    }

    [Fact]
    public async Task Tour_process_completes_with_ASYNCGEN_THROW_ON_FALLBACK_set()
    {
        var start = new ProcessStartInfo(Samples.Dotnet, [Samples.OutputOf("samples/Tour", "Tour.dll")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment[FallbackMachines.ThrowOnFallbackVariable] = "1";
        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        var output = await process.StandardOutput.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"exit code {process.ExitCode}\n{output}\n{await error}");
        Assert.Contains("Tour complete.", output);
    }
}
