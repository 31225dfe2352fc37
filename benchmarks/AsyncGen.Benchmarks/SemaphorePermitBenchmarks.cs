using BenchmarkDotNet.Attributes;
using AsyncGen.Sync;

namespace AsyncGen.Benchmarks;

/// <summary>
/// The ticket cost of a <see cref="SemaphorePermit"/> (given back once however often it or a copy is disposed):
/// an uncontended <c>TryAcquire</c> + <c>Dispose</c> pair on the inline ticket (one holder at a time) and on a ledger
/// slot (a second holder at once), a new semaphore used once (the per-key case), against <see cref="SemaphoreSlim"/>.
/// </summary>
[MemoryDiagnoser]
public class SemaphorePermitBenchmarks
{
    private const int Pairs = 1_000;

    private readonly AsyncSemaphore _single = new(4);
    private readonly AsyncSemaphore _second = new(4);
    private readonly SemaphoreSlim _slim = new(4);
    private SemaphorePermit _held;

    [GlobalSetup]
    public void HoldOne() => _second.TryAcquire(out _held); // its later permits take ledger slots

    [GlobalCleanup]
    public void ReleaseHeld() => _held.Dispose();

    [Benchmark(OperationsPerInvoke = Pairs, Description = "inline ticket: acquire + release")]
    public void InlineTicket()
    {
        for (int i = 0; i < Pairs; i++)
        {
            _single.TryAcquire(out var permit);
            permit.Dispose();
        }
    }

    [Benchmark(OperationsPerInvoke = Pairs, Description = "ledger slot (2nd holder): acquire + release")]
    public void LedgerSlot()
    {
        for (int i = 0; i < Pairs; i++)
        {
            _second.TryAcquire(out var permit);
            permit.Dispose();
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Pairs, Description = "SemaphoreSlim Wait(0) + Release")]
    public void Slim()
    {
        for (int i = 0; i < Pairs; i++)
        {
            _slim.Wait(0);
            _slim.Release();
        }
    }

    [Benchmark(Description = "new AsyncSemaphore + first acquire/release")]
    public AsyncSemaphore NewAndFirstUse()
    {
        var semaphore = new AsyncSemaphore(1);
        semaphore.TryAcquire(out var permit);
        permit.Dispose();
        return semaphore;
    }
}
