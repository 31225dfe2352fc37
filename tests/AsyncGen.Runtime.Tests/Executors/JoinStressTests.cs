using AsyncGen.Runtime.Tests.Support;

namespace AsyncGen.Runtime.Tests.Executors;

/// <summary>
/// The join protocol across real threads: a joiner storing its waker (TaskState.JoinWaker) while the task completes
/// on the executor thread is either woken or finds the result, every time.
/// </summary>
public class JoinStressTests
{
    private static async Future<int> YieldThenReturn(int value, int yields)
    {
        for (int i = 0; i < yields; i++) await Future.Yield();
        return value;
    }

    [Fact]
    public void A_handle_polled_from_another_thread_while_its_task_completes_is_never_left_waiting()
    {
        const int Rounds = 500;
        for (int round = 0; round < Rounds; round++)
        {
            using var executor = new LocalExecutor();
            var handle = executor.Spawn(YieldThenReturn(round, yields: round % 4));
            var running = new Thread(executor.Run);
            running.Start();
            var wakes = new CountingWakeTarget();
            int result;
            while (true)
            {
                int seen = wakes.Wakes;
                var cx = new Context(wakes.Waker);
                var poll = handle.Poll(ref cx);
                if (poll.IsReady)
                {
                    result = poll.Value;
                    break;
                }
                // Pending: the completion must wake the stored waker (a lost wake would spin here until the limit).
                Assert.True(SpinWait.SpinUntil(() => wakes.Wakes > seen, TimeSpan.FromSeconds(30)), $"round {round}: the joiner was never woken");
            }
            Assert.Equal(round, result);
            running.Join();
        }
    }
}
