using System.Net;

namespace AsyncGen.Net;

/// <summary>One datagram received by <see cref="AsyncUdpSocket.ReceiveFromAsync"/>: its length and sender.</summary>
/// <param name="Received">Bytes copied into the buffer (a longer datagram is truncated).</param>
/// <param name="RemoteEndPoint">The sender.</param>
public readonly record struct AsyncUdpReceiveResult(int Received, IPEndPoint RemoteEndPoint);
