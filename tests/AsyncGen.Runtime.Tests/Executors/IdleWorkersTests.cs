using AsyncGen.Executors.WorkStealing;

namespace AsyncGen.Runtime.Tests.Executors;

/// <summary>The searching-worker accounting (tokio's idle.rs): whom to wake, and when not to.</summary>
public class IdleWorkersTests
{
    [Fact]
    public void Nobody_is_woken_while_every_worker_is_awake()
    {
        var idle = new IdleWorkers(4);
        Assert.Equal(-1, idle.WorkerToNotify());
        Assert.Equal(4, idle.Unparked);
    }

    [Fact]
    public void A_woken_worker_counts_as_searching_so_a_second_notification_wakes_nobody()
    {
        var idle = new IdleWorkers(4);
        Assert.False(idle.TransitionToParked(2, searching: false));
        Assert.False(idle.TransitionToParked(3, searching: false));

        int woken = idle.WorkerToNotify();
        Assert.Equal(3, woken);          // the most recent sleeper: its caches are the warmest
        Assert.Equal(1, idle.Searching);
        Assert.Equal(3, idle.Unparked);
        Assert.Equal(-1, idle.WorkerToNotify()); // one searcher is enough: it will find the work, or wake the next one
        Assert.False(idle.IsSleeping(3));
        Assert.True(idle.IsSleeping(2));

        Assert.True(idle.TransitionFromSearching()); // the last searcher found work: it must wake another
        Assert.Equal(2, idle.WorkerToNotify());
    }

    [Fact]
    public void At_most_half_the_workers_search()
    {
        var idle = new IdleWorkers(4);
        Assert.True(idle.TransitionToSearching());
        Assert.True(idle.TransitionToSearching());
        Assert.False(idle.TransitionToSearching());
        Assert.Equal(2, idle.Searching);
        Assert.False(idle.TransitionFromSearching());
        Assert.True(idle.TransitionFromSearching());
    }

    [Fact]
    public void The_last_searcher_to_park_is_told_to_recheck_the_queues()
    {
        var idle = new IdleWorkers(3);
        Assert.True(idle.TransitionToSearching());
        Assert.True(idle.TransitionToParked(0, searching: true));  // the last searcher
        Assert.False(idle.TransitionToParked(1, searching: false));
        Assert.Equal(0, idle.Searching);
        Assert.Equal(1, idle.Unparked);
    }

    [Fact]
    public void A_worker_woken_by_the_driver_takes_itself_off_the_sleeper_list_once()
    {
        var idle = new IdleWorkers(2);
        idle.TransitionToParked(1, searching: false);
        Assert.True(idle.RemoveSleeper(1));
        Assert.False(idle.RemoveSleeper(1)); // already off: a notifier would have taken it off and counted it searching
        Assert.Equal(2, idle.Unparked);
        Assert.Equal(0, idle.Searching);
        Assert.Equal(-1, idle.WorkerToNotify());
    }
}
