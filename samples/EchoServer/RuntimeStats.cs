using System.Diagnostics.Metrics;
using System.Runtime.InteropServices;
using System.Text;

namespace AsyncGen.Samples.EchoServer;

/// <summary>
/// With <c>ASYNCGEN_ECHO_STATS=1</c>, each SIGHUP prints one line of the runtime's counters (the <c>AsyncGen</c>
/// Meter's observable counters, summed over executors): <c>stats polls=… asyncgen.executor.unparks=… …</c>.
/// benchmarks/TcpEcho/workers.sh sends one before and one after its measured window and reports the differences per
/// 1,000 requests (wakes, steals, parks, cross-ring reads).
/// </summary>
/// <remarks>An environment variable rather than a flag, so the benchmark passes it to older builds too (they ignore it).</remarks>
internal static class RuntimeStats
{
    private static PosixSignalRegistration? s_registration;

    /// <summary>Installs the SIGHUP handler if <c>ASYNCGEN_ECHO_STATS=1</c>.</summary>
    public static void InstallIfRequested()
    {
        if (Environment.GetEnvironmentVariable("ASYNCGEN_ECHO_STATS") != "1") return;
        s_registration = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true; // SIGHUP's default would end the process
            Console.WriteLine(Line());
        });
        Console.WriteLine("stats: on SIGHUP"); // tells the benchmark that a SIGHUP will not end this build
    }

    private static string Line()
    {
        var totals = new SortedDictionary<string, long>(StringComparer.Ordinal);
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "AsyncGen") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            lock (totals) totals[instrument.Name] = totals.GetValueOrDefault(instrument.Name) + value;
        });
        listener.Start();
        listener.RecordObservableInstruments();
        var line = new StringBuilder("stats");
        lock (totals)
        {
            foreach (var (name, value) in totals) line.Append(' ').Append(name).Append('=').Append(value);
        }
        return line.ToString();
    }
}
