using AsyncGen.Runtime.Coyote.Tests.Harness;

namespace AsyncGen.Runtime.Coyote.Tests;

/// <summary>
/// The io_uring forwarded-submission handoff of a worker's ring (<c>IoUringInstance.Queue</c>, <c>Park</c>,
/// <c>Unpark</c>, <c>Retire</c>): only the ring's worker ever enters it (SINGLE_ISSUER). Another thread queues a cancel
/// into the ring and leaves it for the worker — in the SQ, or, when the SQ is full, aside in the instance's overflow
/// list that the worker's next turn moves into the SQ — and unparks it (<c>IoUringDriver.ForwardedSubmitCount</c>);
/// once the worker retired the ring (it closes the SQ and queues a cancel of everything in one step under the SQ lock,
/// then turns the ring until every request's last completion), a cancel goes to the shared ring, submitted by its own
/// thread. Whatever the interleaving of two cancellers with the worker's turns (blocking or not) and, in the second
/// scenario, with the worker retiring: every cancel reaches a kernel exactly once, no thread but the worker enters its
/// ring, nothing is left in the ring of a worker that ended, and the worker never sleeps past a cancel's completion.
/// </summary>
/// <remarks>
/// <para>A model, not the real instance: the ring is a kernel object (mapped queues, an eventfd, <c>io_uring_enter</c>),
/// which the harness cannot run step by step. The model keeps the real code's order of operations and its fields
/// (<c>_parkingThread</c>, <c>_notified</c>, <c>_wakeArmed</c>, <c>_retiring</c>, the SQ's <c>_closedToNew</c>, the
/// overflow list and its <c>_overflowClosed</c>), one step per shared access or lock section, and models the kernel as
/// the ring's one truth: an enter consumes every SQE from the kernel's head to the tail, a cancel posts its completion,
/// a cancel of everything also ends the armed eventfd read, and that read completes when the counter is non-zero. The
/// SQ holds at most one unsubmitted SQE, so the overflow path is explored too. Steps are sequentially consistent: the
/// full fences of <c>Queue</c> and <c>Park</c> and the SQ lock are what make the real code's steps behave so; a
/// mutation below removes what one of them orders.</para>
/// <para>Three mutations show that the model can fail: a forward that does not unpark the worker (the cancel waits in
/// the SQ of a worker blocked without a deadline: a lost wake-up), a canceller that enters the worker's ring itself when
/// the SQ is full (what SINGLE_ISSUER refuses), and a retiring worker that does not close its SQ (a cancel queued after
/// the drain's last look stays in the SQ of a worker that ended, and nobody may enter that ring any more).</para>
/// </remarks>
public class ForwardedCancelTests
{
    private const int Worker = 1;
    private const int Cancels = 2;

    /// <summary>Unsubmitted SQEs the model's SQ holds (the real one: 1,024): small, so a canceller finds it full.</summary>
    private const int SqCapacity = 1;

    [Flags]
    private enum Mutation
    {
        None = 0,
        NoUnpark = 1,
        EnterWhenFull = 2,
        StaysOpen = 4,
    }

    private enum SqeKind { Cancel, WakeRead, CancelAll }

    private readonly record struct Sqe(SqeKind Kind, int Token);

    private enum CqeKind { Wake, CancelDone, CancelAllDone }

    /// <summary>One worker's ring: the instance's fields, and the kernel's side of the ring.</summary>
    private sealed class Ring
    {
        // IoUringInstance
        public int ParkingThread;
        public int Notified;
        public bool WakeArmed;
        public bool Retiring;
        public int Forwarded;
        public readonly List<Sqe> Overflow = [];
        public bool OverflowClosed;
        public bool Closed;                      // IoUringRing._closedToNew
        public bool OverflowUsed;

        // The kernel
        public readonly List<Sqe> Sq = [];       // every SQE published, in order
        public int Head;                         // the kernel's SQ head: SQEs before it were consumed
        public long EventCounter;                // the eventfd's counter
        public bool WakeReadWaiting;             // the armed eventfd read was submitted and waits for a write
        public readonly Queue<CqeKind> Cq = new();
        public readonly int[] Applied = new int[Cancels + 1];       // per cancel token: times this ring applied it
        public readonly int[] AppliedShared = new int[Cancels + 1]; // ... and times the shared ring did
        public int ForeignEnters;

        // What the worker reaped
        public int CancelsReaped;
        public int Finals;                       // completions reaped (each SQE ends with one)

        public bool HasUnsubmitted => Head != Sq.Count;
        public bool Full => Sq.Count - Head >= SqCapacity;
        public bool Drained => Closed && Head == Sq.Count && Finals == Sq.Count;
    }

    /// <summary>io_uring_enter's submission by thread <paramref name="me"/>: every SQE from the kernel's head to the tail.</summary>
    private static void Enter(Ring ring, int me)
    {
        if (me != Worker) ring.ForeignEnters++;
        for (int i = ring.Head; i < ring.Sq.Count; i++)
        {
            var sqe = ring.Sq[i];
            switch (sqe.Kind)
            {
                case SqeKind.Cancel:
                    ring.Applied[sqe.Token]++;
                    ring.Cq.Enqueue(CqeKind.CancelDone);
                    break;
                case SqeKind.CancelAll:
                    if (ring.WakeReadWaiting)
                    {
                        ring.WakeReadWaiting = false;
                        ring.Cq.Enqueue(CqeKind.Wake); // the read ends cancelled
                    }
                    ring.Cq.Enqueue(CqeKind.CancelAllDone);
                    break;
                default:
                    if (ring.EventCounter > 0)
                    {
                        ring.EventCounter = 0;
                        ring.Cq.Enqueue(CqeKind.Wake);
                    }
                    else ring.WakeReadWaiting = true;
                    break;
            }
        }
        ring.Head = ring.Sq.Count;
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
        while (true)
        {
            // TryQueue, under the SQ lock: one step.
            if (ring.Closed)
            {
                ring.AppliedShared[token]++; // QueueOnShared: the shared ring, submitted by this thread at once
                yield break;
            }
            if (!ring.Full)
            {
                ring.Sq.Add(new Sqe(SqeKind.Cancel, token));
                break;
            }
            if (mutation.HasFlag(Mutation.EnterWhenFull))
            {
                Enter(ring, me); // what the code did before rings were single-issuer
                yield return null;
                continue;
            }
            yield return null;
            // Overflow, under the overflow lock: one step.
            if (ring.OverflowClosed)
            {
                ring.AppliedShared[token]++;
                yield break;
            }
            ring.Overflow.Add(new Sqe(SqeKind.Cancel, token));
            ring.OverflowUsed = true;
            ring.Forwarded++;
            if (mutation.HasFlag(Mutation.NoUnpark)) yield break;
            foreach (var step in Unpark(ring, me)) yield return step;
            yield break;
        }
        yield return null; // Interlocked.MemoryBarrier
        ring.Forwarded++;
        if (mutation.HasFlag(Mutation.NoUnpark)) yield break;
        foreach (var step in Unpark(ring, me)) yield return step;
    }

    /// <summary>The worker moves what was left aside into the SQ, as far as it has room (<c>MoveOverflow</c>, one lock section).</summary>
    private static void MoveOverflow(Ring ring)
    {
        while (ring.Overflow.Count > 0 && !ring.Full)
        {
            ring.Sq.Add(ring.Overflow[^1]);
            ring.Overflow.RemoveAt(ring.Overflow.Count - 1);
        }
    }

    /// <summary><c>IoUringInstance.Park</c> by the worker: without a deadline, or a turn that does not wait.</summary>
    private static IEnumerable<Func<bool>?> Park(Ring ring, bool wait)
    {
        yield return null;
        ring.ParkingThread = Worker;
        yield return null; // Interlocked.MemoryBarrier: SQEs published before it are submitted by the enter below
        int notified = ring.Notified;
        ring.Notified = 0;
        if (notified == 1) wait = false;
        if (!ring.WakeArmed && !ring.Retiring)
        {
            // ArmWake: the worker's own SQE. Its own SQ full: it enters to make room (only it may).
            if (ring.Full) Enter(ring, Worker);
            ring.WakeArmed = true;
            ring.Sq.Add(new Sqe(SqeKind.WakeRead, 0));
        }
        yield return null;
        MoveOverflow(ring);
        if (ring.Overflow.Count > 0) wait = false; // the SQ had no room for all of it: submit, and come back for the rest
        if (wait || ring.HasUnsubmitted)
        {
            yield return null;
            Enter(ring, Worker);
            if (wait) yield return () => ring.Cq.Count > 0; // blocked in the kernel until a completion
        }
        yield return null;
        while (ring.Cq.TryDequeue(out var cqe))
        {
            ring.Finals++;
            if (cqe == CqeKind.Wake) ring.WakeArmed = false; // re-armed by the next park
            else if (cqe == CqeKind.CancelDone) ring.CancelsReaped++;
        }
        yield return null;
        ring.Notified = 0;
        ring.ParkingThread = 0;
    }

    /// <summary>
    /// The ring's worker: turns (blocking or not, its choice each time) until it reaped every cancel's completion, or
    /// until it ends after <paramref name="turnsBeforeExit"/> turns: then <c>Retire</c> — what was left aside into the
    /// SQ and the list closed; the cancel of everything queued and the SQ closed in one step; turns until drained.
    /// </summary>
    private static IEnumerable<Func<bool>?> WorkerThread(Interleavings threads, Ring ring, int turnsBeforeExit, Mutation mutation)
    {
        for (int turn = 0; ring.CancelsReaped < Cancels && turn < turnsBeforeExit; turn++)
        {
            foreach (var step in Park(ring, wait: threads.Choose())) yield return step;
        }
        if (turnsBeforeExit == int.MaxValue) yield break;
        yield return null;
        ring.Retiring = true;
        // Under the overflow lock: everything left aside goes into the SQ (entering to make room), then the list closes.
        while (ring.Overflow.Count > 0)
        {
            if (ring.Full) Enter(ring, Worker);
            MoveOverflow(ring);
        }
        ring.OverflowClosed = true;
        yield return null;
        // TryQueueLast, under the SQ lock.
        if (ring.Full) Enter(ring, Worker);
        ring.Sq.Add(new Sqe(SqeKind.CancelAll, 0));
        bool open = mutation.HasFlag(Mutation.StaysOpen);
        if (!open) ring.Closed = true;
        for (int round = 0; round < 4 && !(open ? ring.Head == ring.Sq.Count && ring.Finals == ring.Sq.Count : ring.Drained); round++)
        {
            foreach (var step in Park(ring, wait: threads.Choose())) yield return step;
        }
    }

    /// <summary>Across the schedules explored: cancels left for the worker (in the SQ or aside), and cancels that went to the shared ring.</summary>
    private sealed class Coverage
    {
        public int Forwarded;
        public int Overflowed;
        public int OnShared;
    }

    private static Microsoft.Coyote.SystematicTesting.TestReport Explore(int iterations, bool workerMayEnd, Mutation mutation, Coverage? coverage = null) =>
        Interleavings.Explore(iterations, threads =>
        {
            var ring = new Ring(); // TakeOwnership, before the worker first queues
            int turnsBeforeExit = workerMayEnd ? (threads.Choose() ? 0 : threads.Choose() ? 1 : 2) : int.MaxValue;
            threads.Start("worker", WorkerThread(threads, ring, turnsBeforeExit, mutation));
            threads.Start("canceller 1", QueueCancel(ring, me: 2, token: 1, mutation));
            threads.Start("canceller 2", QueueCancel(ring, me: 3, token: 2, mutation));
            threads.Run();
            int onShared = 0;
            for (int token = 1; token <= Cancels; token++)
            {
                int applied = ring.Applied[token] + ring.AppliedShared[token];
                threads.Assert(applied == 1, $"cancel {token} was applied {applied} times");
                onShared += ring.AppliedShared[token];
            }
            threads.Assert(ring.ForeignEnters == 0, "a thread other than the worker entered its ring");
            if (workerMayEnd) threads.Assert(ring.Head == ring.Sq.Count && ring.Finals == ring.Sq.Count, "an SQE was left in the ring of a worker that ended");
            if (coverage is not null)
            {
                coverage.Forwarded += ring.Forwarded;
                coverage.OnShared += onShared;
                coverage.Overflowed += ring.OverflowUsed ? 1 : 0;
            }
        });

    [Fact]
    public void Cancels_forwarded_to_a_worker_that_parks_with_and_without_a_deadline_are_each_submitted_once()
    {
        var coverage = new Coverage();
        Schedules.AssertNoBug(Explore(Schedules.PerTest, workerMayEnd: false, Mutation.None, coverage));
        Assert.Equal(Schedules.PerTest * Cancels, coverage.Forwarded); // the worker owns its ring throughout
        Assert.True(coverage.Overflowed > 0, "no schedule found the SQ full");
    }

    [Fact]
    public void Cancels_racing_the_retirement_of_the_ring_are_each_applied_once_by_the_worker_or_on_the_shared_ring()
    {
        var coverage = new Coverage();
        Schedules.AssertNoBug(Explore(Schedules.PerTest, workerMayEnd: true, Mutation.None, coverage));
        // Both ways a cancel reaches a kernel were explored: left for the worker, and queued on the shared ring.
        Assert.True(coverage.Forwarded > 0, "no schedule forwarded a cancel");
        Assert.True(coverage.OnShared > 0, "no schedule sent a cancel to the shared ring");
    }

    [Fact]
    public void The_model_reports_a_forward_that_does_not_unpark_the_worker()
    {
        var report = Explore(Schedules.PerTest, workerMayEnd: false, Mutation.NoUnpark);
        Assert.True(report.NumOfFoundBugs > 0, "a cancel left in the SQ of a sleeping worker went unnoticed");
        Assert.Contains("lost wake-up", string.Join("\n", report.BugReports));
    }

    [Fact]
    public void The_model_reports_a_canceller_that_enters_a_full_ring_itself()
    {
        var report = Explore(Schedules.PerTest, workerMayEnd: false, Mutation.EnterWhenFull);
        Assert.True(report.NumOfFoundBugs > 0, "a foreign enter went unnoticed");
        Assert.Contains("other than the worker entered", string.Join("\n", report.BugReports));
    }

    [Fact]
    public void The_model_reports_a_retired_ring_that_stays_open_to_sqes()
    {
        var report = Explore(Schedules.PerTest, workerMayEnd: true, Mutation.StaysOpen);
        Assert.True(report.NumOfFoundBugs > 0, "an SQE left in a retired ring went unnoticed");
        Assert.Contains("applied 0 times", string.Join("\n", report.BugReports)); // left in the SQ: never reaches a kernel
    }
}
