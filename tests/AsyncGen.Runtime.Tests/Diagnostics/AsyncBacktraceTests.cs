using AsyncGen.Diagnostics;

namespace AsyncGen.Runtime.Tests.Diagnostics;

public class AsyncBacktraceTests
{
    /// <summary>A leaf that waits on a made-up resource, describing itself like the runtime's own leaves do.</summary>
    private struct ResourceLeaf : IFuture<int>, IAsyncFrameSource
    {
        public bool Suspended;

        public Poll<int> Poll(ref Context cx)
        {
            Suspended = true;
            return Poll<int>.Pending;
        }

        public readonly void CollectFrames(List<AsyncFrame> frames)
        {
            if (Suspended) frames.Add(new AsyncFrame("Fake.Wait", null, 0, "fd 7 readable"));
        }
    }

    /// <summary>A hand-written machine embedding its child by value, as generated machines do.</summary>
    private struct Parent : IFuture<int>, IAsyncFrameSource
    {
        public string Name;
        public int Line;
        public IFuture<int>? BoxedChild;
        public ResourceLeaf Leaf;
        private bool _suspended;

        public Poll<int> Poll(ref Context cx)
        {
            _suspended = true;
            return BoxedChild is { } child ? child.Poll(ref cx) : Leaf.Poll(ref cx);
        }

        public void CollectFrames(List<AsyncFrame> frames)
        {
            if (!_suspended) return;
            frames.Add(new AsyncFrame(Name, "/src/app/Program.cs", Line, BoxedChild is null ? "Fake.Wait()" : "Inner()"));
            if (BoxedChild is { } child) AsyncBacktrace.Collect(ref child, frames);
            else Leaf.CollectFrames(frames);
        }
    }

    private sealed class BoxedParent(Parent parent) : IFuture<int>, IAsyncFrameSource
    {
        private Parent _parent = parent;

        public Poll<int> Poll(ref Context cx) => _parent.Poll(ref cx);

        public void CollectFrames(List<AsyncFrame> frames) => _parent.CollectFrames(frames);
    }

    [Fact]
    public void Frames_are_collected_outermost_first_through_embedded_and_boxed_children()
    {
        var inner = new BoxedParent(new Parent { Name = "App.Echo", Line = 31 });
        var outer = new Parent { Name = "App.Serve", Line = 18, BoxedChild = inner };
        var cx = new Context(new Support.CountingWakeTarget().Waker);
        Assert.True(outer.Poll(ref cx).IsPending);

        var frames = AsyncBacktrace.Of(ref outer);

        Assert.Equal(["App.Serve", "App.Echo", "Fake.Wait"], frames.Select(f => f.Method));
        Assert.Equal(
            "Fake.Wait (fd 7 readable) \u2190 App.Echo at Program.cs:31 await Fake.Wait() \u2190 App.Serve at Program.cs:18 await Inner()",
            AsyncBacktrace.Format(frames));
    }

    [Fact]
    public void A_future_that_cannot_describe_itself_is_named_by_type_and_one_not_suspended_adds_no_frame()
    {
        var plain = new Support.SelfWakingFuture(1);
        Assert.Equal([new AsyncFrame("SelfWakingFuture", null, 0, null)], AsyncBacktrace.Of(ref plain));

        var neverPolled = new Parent { Name = "App.Serve", Line = 18 };
        Assert.Empty(AsyncBacktrace.Of(ref neverPolled));
        Assert.Equal("", AsyncBacktrace.Format([]));
    }
}
