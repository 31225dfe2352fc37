using AsyncGen.Analyzers.Rules;
using AsyncGen.Analyzers.Tests.Verification;

namespace AsyncGen.Analyzers.Tests.Rules;

public sealed class LockHeldAcrossAwaitTests : AnalyzerTestBase<LockHeldAcrossAwaitAnalyzer>
{
    [Fact]
    public Task Monitor_entered_before_and_exited_after_an_await_is_reported() => VerifyAsync("""
        public sealed class Account
        {
            private readonly object _gate = new();

            [PollAsync]
            public async Future Update()
            {
                {|AG0104:Monitor.Enter(_gate)|};
                try
                {
                    await Time.Sleep(TimeSpan.FromMilliseconds(1));
                }
                finally
                {
                    Monitor.Exit(_gate);
                }
            }
        }
        """);

    [Fact]
    public Task Semaphore_waited_before_an_await_and_released_after_is_reported() => VerifyAsync("""
        public sealed class Pool
        {
            private readonly SemaphoreSlim _permits = new(4);

            public async Future<int> Rent()
            {
                {|AG0104:_permits.Wait()|};
                await Time.Sleep(TimeSpan.FromMilliseconds(1));
                _permits.Release();
                return 1;
            }
        }
        """);

    [Fact]
    public Task Lock_entered_and_never_released_in_the_body_is_reported() => VerifyAsync("""
        public sealed class Registry
        {
            private readonly Lock _lock = new();

            [PollAsync]
            public async Future Add()
            {
                {|AG0104:_lock.Enter()|};
                await Time.Sleep(TimeSpan.Zero);
            }
        }
        """);

    [Fact]
    public Task Reader_writer_lock_held_across_await_foreach_is_reported() => VerifyAsync("""
        using System.Collections.Generic;

        public sealed class Cache
        {
            private readonly ReaderWriterLockSlim _rw = new();

            [PollAsync]
            public async Future<int> Fill(IAsyncEnumerable<int> source)
            {
                var total = 0;
                {|AG0104:_rw.EnterWriteLock()|};
                await foreach (var item in source) total += item;
                _rw.ExitWriteLock();
                return total;
            }
        }
        """);

    [Fact]
    public Task Lock_released_before_the_await_is_not_reported() => VerifyAsync("""
        public sealed class Account
        {
            private readonly object _gate = new();
            private int _balance;

            [PollAsync]
            public async Future<int> Update()
            {
                int snapshot;
                Monitor.Enter(_gate);
                try { snapshot = ++_balance; }
                finally { Monitor.Exit(_gate); }
                await Time.Sleep(TimeSpan.Zero);
                return snapshot;
            }
        }
        """);

    [Fact]
    public Task Async_acquisition_and_zero_timeout_try_acquire_are_not_reported() => VerifyAsync("""
        public sealed class Pool
        {
            private readonly SemaphoreSlim _permits = new(4);

            [PollAsync]
            public async Future<bool> Rent()
            {
                await _permits.WaitAsync();
                await Time.Sleep(TimeSpan.Zero);
                _permits.Release();
                if (!_permits.Wait(0)) return false;
                await Time.Sleep(TimeSpan.Zero);
                _permits.Release();
                return true;
            }
        }
        """);

    [Fact]
    public Task Lock_across_await_in_a_Task_method_is_out_of_scope() => VerifyAsync("""
        public sealed class Legacy
        {
            private readonly SemaphoreSlim _permits = new(1);

            public async Task Run()
            {
                _permits.Wait();
                await Task.Yield();
                _permits.Release();
            }
        }
        """);

    [Fact]
    public Task Await_inside_a_lambda_between_acquire_and_release_is_not_reported() => VerifyAsync("""
        public sealed class Scheduler
        {
            private readonly object _gate = new();

            [PollAsync]
            public async Future<Func<Task>> Build()
            {
                await Time.Sleep(TimeSpan.Zero);
                Monitor.Enter(_gate);
                Func<Task> later = async () => await Task.Yield();
                Monitor.Exit(_gate);
                return later;
            }
        }
        """);

    [Fact]
    public Task Mutex_held_across_an_await_is_reported_but_an_event_wait_is_not() => VerifyAsync("""
        public sealed class Exclusive(Mutex mutex, ManualResetEvent started)
        {
            [PollAsync]
            public async Future Run()
            {
                started.WaitOne();
                await Time.Sleep(TimeSpan.Zero);
                {|AG0104:mutex.WaitOne()|};
                await Time.Sleep(TimeSpan.Zero);
                mutex.ReleaseMutex();
            }
        }
        """);
}
