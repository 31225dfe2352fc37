using AsyncGen.Runtime.Coyote.Tests.Harness;

namespace AsyncGen.Runtime.Coyote.Tests;

/// <summary>
/// The io_uring forwarded-submission handoff (<c>IoUringInstance.Queue</c>, <c>Park</c>, <c>Unpark</c>,
/// <c>ReleaseOwnership</c>): another thread queues a cancel into a worker's ring and, instead of entering the ring
/// itself, leaves the SQE for the ring's worker and unparks it (<c>IoUringDriver.ForwardedSubmitCount</c>). Whatever
/// the interleaving of two such cancellers with the worker's turns (blocking or not) and, in the second scenario, with
/// the worker ending and releasing the ring: every cancel reaches the kernel exactly once (none stays in the SQ while the
/// worker sleeps without a deadline, none is submitted twice), and the worker never sleeps past a cancel's completion.
/// </summary>
/// <remarks>
/// <para>A model, not the real instance: the ring is a kernel object (mapped queues, an eventfd, <c>io_uring_enter</c>),
/// which the harness cannot run step by step. The model keeps the real code's order of operations and its fields
/// (<c>_owner</c>, <c>_parkingThread</c>, <c>_lastParkThread</c>, <c>_notified</c>, <c>_wakeArmed</c>), one step per
/// shared access, and models the kernel as the ring's one truth: an enter consumes every SQE from the kernel's head to
/// the tail it reads (under <c>uring_lock</c>, so concurrent enters never consume one SQE twice), a cancel posts its
/// completion, and the eventfd read armed by a park completes when the counter is non-zero. Steps are sequentially
/// consistent: the full fences of <c>Queue</c>, <c>Park</c> and <c>ReleaseOwnership</c> are what make the real code's
/// steps behave so; a mutation below removes what one fence orders.</para>
/// <para>Three mutations show that the model can fail: a forward that does not unpark the worker (the cancel waits in
/// the SQ of a worker blocked without a deadline: a lost wake-up), a canceller that reads the owner before it publishes
/// its SQE (what the fence in <c>Queue</c> forbids: the worker releases the ring and submits what it finds, without that
/// SQE, and the canceller forwards to a worker that is gone: the cancel is never applied), and submitters that compute the
/// range to submit from a head read before they enter (a user-space "submitted" index instead of the kernel's head: the
/// worker's last submission and a canceller's own apply one cancel twice).</para>
/// </remarks>
public class ForwardedCancelTests
{
    private const int Worker = 1;
    private const int Cancels = 2;

    [Flags]
    private enum Mutation
    {
        None = 0,
        NoUnpark = 1,
        OwnerReadBeforePublish = 2,
        SubmitFromStaleHead = 4,
    }

    private enum SqeKind { Cancel, WakeRead }

    private readonly record struct Sqe(SqeKind Kind, int Token);

    private enum CqeKind { Wake, CancelDone }

    /// <summary>One worker's ring: the instance's fields, and the kernel's side of the ring.</summary>
    private sealed class Ring
    {
        // IoUringInstance
        public int Owner;
        public int ParkingThread;
        public int LastParkThread;
        public int Notified;
        public bool WakeArmed;
        public int Forwarded;

        // The kernel
        public readonly List<Sqe> Sq = [];       // every SQE published, in order
        public int Head;                         // the kernel's SQ head: SQEs before it were consumed
        public long EventCounter;                // the eventfd's counter
        public bool WakeReadWaiting;             // the armed eventfd read was submitted and waits for a write
        public readonly Queue<CqeKind> Cq = new();
        public readonly int[] Applied = new int[Cancels + 1]; // per cancel token: times the kernel applied it

        // What the worker reaped
        public int CancelsReaped;

        public bool HasUnsubmitted => Head != Sq.Count;
    }

    /// <summary>The kernel consumes SQEs [<paramref name="from"/>, <paramref name="to"/>) and runs them.</summary>
    private static void Consume(Ring ring, int from, int to)
    {
        for (int i = from; i < to; i++)
        {
            var sqe = ring.Sq[i];
            if (sqe.Kind == SqeKind.Cancel)
            {
                ring.Applied[sqe.Token]++;
                ring.Cq.Enqueue(CqeKind.CancelDone); // the cancel's completion (and the request's final one)
            }
            else if (ring.EventCounter > 0)
            {
                ring.EventCounter = 0;
                ring.Cq.Enqueue(CqeKind.Wake);
            }
            else
            {
                ring.WakeReadWaiting = true;
            }
        }
        ring.Head = Math.Max(ring.Head, to);
    }

    /// <summary>io_uring_enter's submission: everything from the kernel's head to the tail, as one step.</summary>
    private static IEnumerable<Func<bool>?> Enter(Ring ring, Mutation mutation)
    {
        if (!mutation.HasFlag(Mutation.SubmitFromStaleHead))
        {
            Consume(ring, ring.Head, ring.Sq.Count);
            yield break;
        }
        int from = ring.Head, to = ring.Sq.Count;
        yield return null;
        Consume(ring, from, to);
    }

    /// <summary>The eventfd write of <c>Unpark</c>: completes the armed read if one waits.</summary>
    private static void WriteEventFd(Ring ring)
    {
        ring.EventCounter++;
        if (!ring.WakeReadWaiting) return;
        ring.WakeReadWaiting = false;
        ring.EventCounter = 0;
        ring.Cq.Enqueue(CqeKind.Wake);
    }

    /// <summary><c>IoUringInstance.Unpark</c> from thread <paramref name="me"/>: the flag, then (if it was clear) the write.</summary>
    private static IEnumerable<Func<bool>?> Unpark(Ring ring, int me)
    {
        if (ring.ParkingThread == me) yield break;
        int was = ring.Notified;
        ring.Notified = 1;
        if (was == 1) yield break;
        yield return null;
        WriteEventFd(ring);
    }

    /// <summary><c>IoUringInstance.Queue</c> of a cancel by thread <paramref name="me"/>, which is not the ring's worker.</summary>
    private static IEnumerable<Func<bool>?> QueueCancel(Ring ring, int me, int token, Mutation mutation)
    {
        yield return null;
        int owner = 0;
        if (mutation.HasFlag(Mutation.OwnerReadBeforePublish))
        {
            owner = ring.Owner;
            yield return null;
        }
        ring.Sq.Add(new Sqe(SqeKind.Cancel, token)); // TryQueue, under the SQ lock
        yield return null;
        // Interlocked.MemoryBarrier, then the owner read (the mutation uses the one it made before publishing).
        if (!mutation.HasFlag(Mutation.OwnerReadBeforePublish)) owner = ring.Owner;
        if (owner != 0 && owner != me)
        {
            ring.Forwarded++;
            if (mutation.HasFlag(Mutation.NoUnpark)) yield break;
            foreach (var step in Unpark(ring, me)) yield return step;
            yield break;
        }
        if (ring.LastParkThread != me)
        {
            yield return null;
            foreach (var step in Enter(ring, mutation)) yield return step; // SubmitNow
        }
    }

    /// <summary><c>IoUringInstance.Park</c> by the worker: without a deadline, or a turn that does not wait.</summary>
    private static IEnumerable<Func<bool>?> Park(Ring ring, bool wait, Mutation mutation)
    {
        yield return null;
        ring.ParkingThread = Worker;
        ring.LastParkThread = Worker;
        yield return null; // Interlocked.MemoryBarrier: SQEs published before it are submitted by the enter below
        int notified = ring.Notified;
        ring.Notified = 0;
        if (notified == 1) wait = false;
        if (!ring.WakeArmed)
        {
            // ArmWake: the worker defers into its own ring, so the read waits for this park's enter.
            ring.WakeArmed = true;
            ring.Sq.Add(new Sqe(SqeKind.WakeRead, 0));
        }
        if (wait || ring.HasUnsubmitted)
        {
            yield return null;
            foreach (var step in Enter(ring, mutation)) yield return step;
            if (wait) yield return () => ring.Cq.Count > 0; // blocked in the kernel until a completion
        }
        yield return null;
        while (ring.Cq.TryDequeue(out var cqe))
        {
            if (cqe == CqeKind.Wake) ring.WakeArmed = false; // re-armed by the next park
            else ring.CancelsReaped++;
        }
        yield return null;
        ring.Notified = 0;
        ring.ParkingThread = 0;
    }

    /// <summary>
    /// The ring's worker: turns (blocking or not, its choice each time) until it reaped every cancel's completion, or
    /// until it ends after <paramref name="turnsBeforeExit"/> turns: then <c>ReleaseOwnership</c> (clear the owner,
    /// fence, submit what waits).
    /// </summary>
    private static IEnumerable<Func<bool>?> WorkerThread(Interleavings threads, Ring ring, int turnsBeforeExit, Mutation mutation)
    {
        for (int turn = 0; ring.CancelsReaped < Cancels && turn < turnsBeforeExit; turn++)
        {
            foreach (var step in Park(ring, wait: threads.Choose(), mutation)) yield return step;
        }
        if (ring.CancelsReaped == Cancels) yield break;
        yield return null;
        ring.Owner = 0;
        yield return null; // Interlocked.MemoryBarrier
        if (ring.HasUnsubmitted)
        {
            foreach (var step in Enter(ring, mutation)) yield return step; // SubmitDeferred
        }
    }

    /// <summary>Across the schedules explored: cancels forwarded to the worker, and cancels their own thread submitted.</summary>
    private sealed class Coverage
    {
        public int Forwarded;
        public int SubmittedByCanceller;
    }

    private static Microsoft.Coyote.SystematicTesting.TestReport Explore(int iterations, bool workerMayEnd, Mutation mutation, Coverage? coverage = null) =>
        Interleavings.Explore(iterations, threads =>
        {
            var ring = new Ring { Owner = Worker }; // TakeOwnership, before the worker first queues
            int turnsBeforeExit = workerMayEnd ? (threads.Choose() ? 1 : 2) : int.MaxValue;
            threads.Start("worker", WorkerThread(threads, ring, turnsBeforeExit, mutation));
            threads.Start("canceller 1", QueueCancel(ring, me: 2, token: 1, mutation));
            threads.Start("canceller 2", QueueCancel(ring, me: 3, token: 2, mutation));
            threads.Run();
            if (coverage is not null)
            {
                coverage.Forwarded += ring.Forwarded;
                coverage.SubmittedByCanceller += Cancels - ring.Forwarded;
            }
            for (int token = 1; token <= Cancels; token++)
                threads.Assert(ring.Applied[token] == 1, $"cancel {token} was applied {ring.Applied[token]} times");
            threads.Assert(ring.Head == ring.Sq.Count || !workerMayEnd, "an SQE was left in the ring of a worker that ended");
        });

    [Fact]
    public void Cancels_forwarded_to_a_worker_that_parks_with_and_without_a_deadline_are_each_submitted_once()
    {
        var coverage = new Coverage();
        Schedules.AssertNoBug(Explore(Schedules.PerTest, workerMayEnd: false, Mutation.None, coverage));
        Assert.Equal(Schedules.PerTest * Cancels, coverage.Forwarded); // the worker owns its ring throughout
    }

    [Fact]
    public void Cancels_racing_the_end_of_the_worker_are_each_submitted_once_by_it_or_by_their_own_thread()
    {
        var coverage = new Coverage();
        Schedules.AssertNoBug(Explore(Schedules.PerTest, workerMayEnd: true, Mutation.None, coverage));
        // Both ways a cancel reaches the kernel were explored: left for the worker, and submitted by its own thread.
        Assert.True(coverage.Forwarded > 0, "no schedule forwarded a cancel");
        Assert.True(coverage.SubmittedByCanceller > 0, "no schedule had a canceller submit its own cancel");
    }

    [Fact]
    public void The_model_reports_a_forward_that_does_not_unpark_the_worker()
    {
        var report = Explore(Schedules.PerTest, workerMayEnd: false, Mutation.NoUnpark);
        Assert.True(report.NumOfFoundBugs > 0, "a cancel left in the SQ of a sleeping worker went unnoticed");
        Assert.Contains("lost wake-up", string.Join("\n", report.BugReports));
    }

    [Fact]
    public void The_model_reports_a_canceller_that_reads_the_owner_before_publishing()
    {
        var report = Explore(Schedules.PerTest, workerMayEnd: true, Mutation.OwnerReadBeforePublish);
        Assert.True(report.NumOfFoundBugs > 0, "a cancel forwarded to a worker that had ended went unnoticed");
        Assert.Contains("applied 0 times", string.Join("\n", report.BugReports));
    }

    [Fact]
    public void The_model_reports_submitters_that_trust_a_head_read_before_they_enter()
    {
        var report = Explore(Schedules.PerTest, workerMayEnd: true, Mutation.SubmitFromStaleHead);
        Assert.True(report.NumOfFoundBugs > 0, "a cancel submitted twice went unnoticed");
        Assert.Contains("applied 2 times", string.Join("\n", report.BugReports));
    }
}
