namespace AsyncGen.Diagnostics;

/// <summary>
/// A future that can say where it is suspended: the frames of its async backtrace, outermost first. Generated
/// <c>[PollAsync]</c> machines implement it from their state table; the runtime's boxes and task cells forward to
/// the future they hold; a hand-written future may implement it too.
/// </summary>
/// <remarks>
/// <para><b>Contract.</b> <see cref="CollectFrames"/> appends this future's own frame for its current state (the
/// method, source file and line of the await it is suspended at, and the awaited expression), then delegates to the
/// child it is awaiting, if that child can describe itself (<see cref="AsyncBacktrace.Collect{TFuture}"/> does the
/// check for a child of any type, and names by its type a child that cannot describe itself). A future that is not suspended (running, finished) appends
/// nothing; one not started yet may append one frame at its method's declaration line with
/// <see cref="AsyncFrame.Awaited"/> null (the task-spawned event reports it as the task's source location). A leaf future that waits on a resource (a socket, a timer, a channel) appends one frame saying what it
/// waits for, with <see cref="AsyncFrame.File"/> null and <see cref="AsyncFrame.Line"/> 0.</para>
/// <para><b>Threading.</b> Dumps call it from another thread while the task is suspended, and may race with a poll
/// that starts meanwhile: implementations only read their fields (never change state, never wake, never poll) and
/// must tolerate a torn view; the caller catches what they throw. It is not on any hot path: it may allocate (the
/// strings of a resource frame, say).</para>
/// <example>
/// A hand-written future suspended on a timer:
/// <code>
/// public void CollectFrames(List&lt;AsyncFrame&gt; frames)
/// {
///     if (_pending) frames.Add(new AsyncFrame("RetryFuture.Poll", null, 0, $"backoff, attempt {_attempt}"));
///     AsyncBacktrace.Collect(ref _sleep, frames);
/// }
/// </code>
/// </example>
/// </remarks>
public interface IAsyncFrameSource
{
    /// <summary>Appends this future's frame for its current state, then its awaited child's frames (outermost first).</summary>
    void CollectFrames(List<AsyncFrame> frames);
}
