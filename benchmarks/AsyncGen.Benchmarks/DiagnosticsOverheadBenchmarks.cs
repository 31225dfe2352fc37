using System.Diagnostics.Metrics;
using System.Diagnostics.Tracing;
using BenchmarkDotNet.Attributes;

namespace AsyncGen.Benchmarks;

/// <summary>
/// What observing the runtime costs on yield_many (one task, one poll and one wake per yield: the worst case for
/// per-poll instrumentation): nobody listening, a MeterListener on every AsyncGen instrument (the poll-duration
/// histogram times each poll), and an EventListener at Warning level (slow-poll detection).
/// </summary>
[MemoryDiagnoser]
public partial class DiagnosticsOverheadBenchmarks
{
    private const int Yields = 1_000_000;

    private MeterListener? _meter;
    private WarningListener? _events;

    /// <summary>Who listens while the benchmark runs.</summary>
    [Params("nobody", "meter", "events (warning)")]
    public string Listening { get; set; } = "nobody";

    [PollAsync]
    private static async Future<int> YieldMany()
    {
        for (int i = 0; i < Yields; i++) await Future.Yield();
        return Yields;
    }

    [GlobalSetup]
    public void StartListening()
    {
        if (Listening == "meter")
        {
            _meter = new MeterListener
            {
                InstrumentPublished = (instrument, listener) =>
                {
                    if (instrument.Meter.Name == "AsyncGen") listener.EnableMeasurementEvents(instrument);
                },
            };
            _meter.SetMeasurementEventCallback<double>((_, _, _, _) => { });
            _meter.Start();
        }
        else if (Listening == "events (warning)")
        {
            _events = new WarningListener();
        }
    }

    [GlobalCleanup]
    public void StopListening()
    {
        _meter?.Dispose();
        _events?.Dispose();
    }

    [Benchmark(OperationsPerInvoke = Yields, Description = "yield_many")]
    public int YieldManyObserved() => Executor.BlockOn(YieldMany());

    private sealed class WarningListener : EventListener
    {
        protected override void OnEventSourceCreated(EventSource source)
        {
            if (source.Name == "AsyncGen") EnableEvents(source, EventLevel.Warning, (EventKeywords)1);
        }
    }
}
