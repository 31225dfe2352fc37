namespace AsyncGen.Drivers;

/// <summary>Readiness of one registered descriptor, as the reactor last saw it (tokio's <c>Ready</c>).</summary>
[Flags]
internal enum Ready
{
    None = 0,
    Readable = 1,
    Writable = 2,
    ReadClosed = 4,   // EPOLLRDHUP / EPOLLHUP: the peer will send nothing more
    WriteClosed = 8,  // EPOLLHUP or EPOLLERR with EPOLLOUT: writes will fail
    Error = 16,       // EPOLLERR: the next syscall reports the error

    /// <summary>What a reader waits for: data, EOF or an error.</summary>
    ReadInterest = Readable | ReadClosed | Error,

    /// <summary>What a writer waits for: buffer space, a closed peer or an error.</summary>
    WriteInterest = Writable | WriteClosed | Error,

    /// <summary>States that never go away once seen: clearing readiness keeps them.</summary>
    Final = ReadClosed | WriteClosed | Error,
}

/// <summary>Which half of a descriptor an operation waits on; each has its own waker slot.</summary>
internal enum Direction
{
    Read,
    Write,
}

internal static class ReadyExtensions
{
    public static Ready Interest(this Direction direction) =>
        direction == Direction.Read ? Ready.ReadInterest : Ready.WriteInterest;

    /// <summary>Translates epoll's event bits the way mio does (<c>sys/unix/selector/epoll.rs</c>).</summary>
    public static Ready FromEpoll(uint events)
    {
        var ready = Ready.None;
        if ((events & (Libc.EPOLLIN | Libc.EPOLLPRI)) != 0) ready |= Ready.Readable;
        if ((events & Libc.EPOLLOUT) != 0) ready |= Ready.Writable;
        if ((events & Libc.EPOLLHUP) != 0 || (events & (Libc.EPOLLIN | Libc.EPOLLRDHUP)) == (Libc.EPOLLIN | Libc.EPOLLRDHUP))
            ready |= Ready.ReadClosed;
        if ((events & Libc.EPOLLHUP) != 0 || (events & (Libc.EPOLLOUT | Libc.EPOLLERR)) == (Libc.EPOLLOUT | Libc.EPOLLERR) || events == Libc.EPOLLERR)
            ready |= Ready.WriteClosed;
        if ((events & Libc.EPOLLERR) != 0) ready |= Ready.Error;
        return ready;
    }
}
