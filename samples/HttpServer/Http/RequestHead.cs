namespace AsyncGen.Samples.HttpServer.Http;

/// <summary>
/// What the endpoints need of one parsed request head (offsets into the receive buffer, no strings): the method, the
/// target, the version, the body length, and whether the connection stays open after the response.
/// </summary>
internal struct RequestHead
{
    /// <summary>GET, HEAD or another token.</summary>
    public RequestMethod Method;

    /// <summary>Where the request target starts, from the start of the parsed buffer.</summary>
    public int TargetStart;

    /// <summary>The request target's length in bytes.</summary>
    public int TargetLength;

    /// <summary>1 for HTTP/1.1, 0 for HTTP/1.0.</summary>
    public int MinorVersion;

    /// <summary>Content-Length (0 when absent): the body bytes that follow the head.</summary>
    public long ContentLength;

    /// <summary>
    /// HTTP/1.1 without <c>Connection: close</c>, or HTTP/1.0 with <c>Connection: keep-alive</c> (RFC 9112 §9.3).
    /// </summary>
    public bool KeepAlive;

    /// <summary>For <see cref="ParseStatus.Invalid"/>: the status code to answer with (400, 431, 501, 505).</summary>
    public int ErrorStatus;
}
