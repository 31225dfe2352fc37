namespace AsyncGen.Diagnostics;

/// <summary>
/// One frame of an async backtrace: a future suspended at an await (or waiting on a resource).
/// </summary>
/// <param name="Method">The suspended method, as <c>Type.Method</c> (<c>EchoServer.Echo</c>); for a resource, the
/// operation (<c>AsyncTcpStream.ReadAsync</c>, <c>Time.Sleep</c>).</param>
/// <param name="File">The source file of the await (the path the <c>#line</c> directives use), or null when unknown
/// (fallback machines, resources).</param>
/// <param name="Line">The 1-based source line of the await, or 0 when unknown.</param>
/// <param name="Awaited">The awaited expression as written (<c>stream.ReadAsync(buffer)</c>), or for a resource
/// what it waits for (<c>fd 7 readable</c>, <c>timer due in 4800 ms</c>); null when unknown.</param>
public readonly record struct AsyncFrame(string Method, string? File, int Line, string? Awaited)
{
    /// <summary>An await (the default), a resource the future waits on, or a join handle.</summary>
    public AsyncFrameKind Kind { get; init; }

    /// <summary>A leaf's frame: <paramref name="operation"/> waits on <paramref name="waitsFor"/> (a timer, fd readiness...).</summary>
    public static AsyncFrame Resource(string operation, string waitsFor) =>
        new(operation, null, 0, waitsFor) { Kind = AsyncFrameKind.Resource };

    /// <summary><c>Method at File:Line await Awaited</c>, with the file name only and the unknown parts left out.</summary>
    public override string ToString()
    {
        var text = Method;
        if (File is not null) text += $" at {Path.GetFileName(File)}:{Line}";
        if (Awaited is not null) text += File is null ? $" ({Awaited})" : $" await {Awaited}";
        return text;
    }
}
