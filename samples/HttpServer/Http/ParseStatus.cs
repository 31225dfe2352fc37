namespace AsyncGen.Samples.HttpServer.Http;

/// <summary>What <see cref="HttpRequestParser.Parse"/> found at the start of the buffer.</summary>
internal enum ParseStatus
{
    /// <summary>A whole request head: the request line, the header fields and the empty line after them.</summary>
    Complete,

    /// <summary>Not enough bytes yet for a whole head, and nothing wrong so far: read more.</summary>
    Incomplete,

    /// <summary>The bytes are not a request this server accepts: answer with the head's status code and close.</summary>
    Invalid,
}
