using System.Text;
using AsyncGen.Tasks;

namespace AsyncGen.Diagnostics;

/// <summary>
/// Builds and prints async backtraces: the chain of <see cref="AsyncFrame"/>s a suspended future describes through
/// <see cref="IAsyncFrameSource"/>.
/// </summary>
public static class AsyncBacktrace
{
    /// <summary>The separator between frames when printed on one line, read "awaited by".</summary>
    public const string Separator = " \u2190 ";

    /// <summary>
    /// Appends the frames of <paramref name="future"/> if it implements <see cref="IAsyncFrameSource"/>; otherwise one
    /// frame naming its type (<c>CounterFuture</c>), so a backtrace always ends at the innermost future known. For
    /// machines delegating to an awaited child whose type is a type parameter or may not describe itself.
    /// </summary>
    /// <remarks>A struct child is described through a boxed copy: this runs at dump time only, never when polling.</remarks>
    public static void Collect<TFuture>(ref TFuture future, List<AsyncFrame> frames)
    {
        if (future is IAsyncFrameSource source) source.CollectFrames(frames);
        else if (future is not null) frames.Add(new AsyncFrame(FutureNames.Describe(future.GetType()), null, 0, null));
    }

    /// <summary>The frames of <paramref name="future"/>, outermost first (see <see cref="Collect{TFuture}"/>).</summary>
    public static List<AsyncFrame> Of<TFuture>(ref TFuture future)
    {
        var frames = new List<AsyncFrame>();
        Collect(ref future, frames);
        return frames;
    }

    /// <summary>
    /// Prints <paramref name="frames"/> innermost first, as a stack trace reads:
    /// <c>EchoServer.Echo at Program.cs:31 await stream.ReadAsync(buffer) ← EchoServer.Serve at Program.cs:18 await …</c>.
    /// </summary>
    public static string Format(IReadOnlyList<AsyncFrame> frames)
    {
        var text = new StringBuilder();
        for (int i = frames.Count - 1; i >= 0; i--)
        {
            if (text.Length > 0) text.Append(Separator);
            text.Append(frames[i].ToString());
        }
        return text.ToString();
    }
}
