namespace AsyncGen.Samples.HttpServer.Http;

/// <summary>The request methods the endpoints tell apart; every other valid token is <see cref="Other"/>.</summary>
internal enum RequestMethod : byte
{
    Other,
    Get,
    Head,
}
