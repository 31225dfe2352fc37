namespace AsyncGen.Samples.HttpServer.Http;

/// <summary>
/// One connection's HTTP/1.1 protocol, without I/O: the caller reads into <see cref="ReceiveSpace"/>, reports the
/// count to <see cref="Received"/>, sends <see cref="Responses"/> in one write, and closes when
/// <see cref="ShouldClose"/> says so. Every complete request in the buffer is answered in order (pipelining); bodies
/// announced by Content-Length are skipped; a malformed request gets its error response and ends the connection.
/// </summary>
/// <remarks>
/// Bounded: each <see cref="Received"/> consumes at least one byte per loop turn or stops, and the unparsed tail is
/// never longer than <see cref="HttpRequestParser.MaxHeadBytes"/> (longer → 431 and close), so the buffer always has
/// room for the next read.
/// </remarks>
internal sealed class HttpSession
{
    /// <summary>16 KiB: twice the largest head, so a partial head at the start still leaves 8 KiB to read into.</summary>
    public const int ReceiveBufferSize = 2 * HttpRequestParser.MaxHeadBytes;

    private readonly byte[] _receive = new byte[ReceiveBufferSize];
    private readonly ResponseBuffer _responses = new();
    private readonly Endpoints _endpoints = new();
    private int _start;          // first unparsed byte
    private int _end;            // end of the bytes received
    private long _bodyToSkip;    // body bytes of the last request not yet received

    /// <summary>Where the next read goes (never empty while the connection is open).</summary>
    /// <exception cref="InvalidOperationException">The session is closing: nothing more is read.</exception>
    public Memory<byte> ReceiveSpace
    {
        get
        {
            if (ShouldClose) throw new InvalidOperationException("The session is closing: send the responses and close, read nothing more.");
            if (_start == _end) _start = _end = 0;
            else if (_start > 0)
            {
                // A partial request is left: move it to the front so the next read can complete it.
                _receive.AsSpan(_start, _end - _start).CopyTo(_receive);
                _end -= _start;
                _start = 0;
            }
            return _receive.AsMemory(_end);
        }
    }

    /// <summary>The responses to every request answered since the last <see cref="ResponsesSent"/>, in order.</summary>
    public ReadOnlyMemory<byte> Responses => _responses.Written;

    /// <summary>True once a response ended the connection (error, <c>Connection: close</c>, HTTP/1.0).</summary>
    public bool ShouldClose { get; private set; }

    /// <summary>Bytes received and not yet answered: a partial head, never more than <see cref="HttpRequestParser.MaxHeadBytes"/> while open.</summary>
    public int BufferedBytes => _end - _start;

    /// <summary>How many requests this session answered (valid or not): for tests and diagnostics.</summary>
    public long RequestsAnswered { get; private set; }

    /// <summary><paramref name="count"/> bytes arrived in <see cref="ReceiveSpace"/>: answers every request now complete.</summary>
    public void Received(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, _receive.Length - _end);
        _end += count;
        ReadOnlySpan<byte> date = default;
        while (!ShouldClose)
        {
            if (_bodyToSkip > 0)
            {
                int skip = (int)Math.Min(_bodyToSkip, _end - _start);
                _start += skip;
                _bodyToSkip -= skip;
                if (_bodyToSkip > 0) break; // the rest of the body is still on its way
            }
            if (_start == _end) break;
            var pending = _receive.AsSpan(_start, _end - _start);
            var status = HttpRequestParser.Parse(pending, out var head, out int consumed);
            if (status == ParseStatus.Incomplete) break;
            if (date.IsEmpty) date = DateHeader.Current;
            RequestsAnswered++;
            if (status == ParseStatus.Invalid)
            {
                Endpoints.RespondToInvalid(head.ErrorStatus, _responses, date);
                ShouldClose = true;
                break;
            }
            _endpoints.Respond(head, pending.Slice(head.TargetStart, head.TargetLength), _responses, date);
            _start += consumed;
            _bodyToSkip = head.ContentLength;
            ShouldClose = !head.KeepAlive;
        }
    }

    /// <summary>The responses went out: the buffer is reused for the next ones.</summary>
    public void ResponsesSent() => _responses.Clear();
}
