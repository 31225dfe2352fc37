using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace AsyncGen.Net;

/// <summary>A UDP socket whose sends and receives are futures driven by the executor's reactor (tokio's <c>UdpSocket</c>).</summary>
/// <remarks>One receive and one send may be pending at a time; a second one that would wait throws
/// <see cref="InvalidOperationException"/>. <see cref="SendAsync"/>/<see cref="ReceiveAsync"/>
/// need <see cref="Connect"/> first; <see cref="SendToAsync"/>/<see cref="ReceiveFromAsync"/> work either way.</remarks>
[DebuggerDisplay("AsyncUdpSocket fd {_socket.Fd}")]
public sealed class AsyncUdpSocket : IDisposable
{
    private readonly EventedSocket _socket;

    private AsyncUdpSocket(EventedSocket socket) => _socket = socket;

    /// <summary>Binds to <paramref name="local"/> (port 0 = any free port).</summary>
    /// <exception cref="SocketException">The address is in use or not local.</exception>
    public static AsyncUdpSocket Bind(IPEndPoint local)
    {
        ArgumentNullException.ThrowIfNull(local);
        var socket = new Socket(local.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.Bind(local);
            return new AsyncUdpSocket(new EventedSocket(socket));
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The bound address and port.</summary>
    public IPEndPoint LocalEndPoint => (IPEndPoint)_socket.Socket.LocalEndPoint!;

    /// <summary>Sets the default destination and accepts datagrams only from it (UDP connect does not block).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The port is 0.</exception>
    public void Connect(IPEndPoint remote)
    {
        BufferArguments.ValidatePort(remote, nameof(remote));
        _socket.Socket.Connect(remote);
    }

    /// <summary>Sends one datagram to <paramref name="remote"/>: the byte count sent.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The port is 0.</exception>
    public SendToFuture SendToAsync(ReadOnlyMemory<byte> datagram, IPEndPoint remote)
    {
        BufferArguments.ValidatePort(remote, nameof(remote));
        return new SendToFuture(_socket, datagram, remote);
    }

    /// <summary>Receives one datagram into <paramref name="buffer"/>, with its sender.</summary>
    public ReceiveFromFuture ReceiveFromAsync(Memory<byte> buffer) => new(_socket, buffer, LocalEndPoint.AddressFamily);

    /// <summary>Sends one datagram to the connected peer.</summary>
    /// <exception cref="InvalidOperationException">The socket is not connected.</exception>
    public WriteFuture SendAsync(ReadOnlyMemory<byte> datagram)
    {
        ThrowIfNotConnected();
        return new WriteFuture(_socket, datagram, IoOperationKind.Send);
    }

    /// <summary>Receives one datagram from the connected peer: its length.</summary>
    /// <exception cref="InvalidOperationException">The socket is not connected.</exception>
    public ReadFuture ReceiveAsync(Memory<byte> buffer)
    {
        ThrowIfNotConnected();
        return new ReadFuture(_socket, buffer, IoOperationKind.Receive);
    }

    private void ThrowIfNotConnected()
    {
        if (!_socket.Socket.Connected)
            throw new InvalidOperationException("The UDP socket is not connected: call Connect first, or use SendToAsync/ReceiveFromAsync.");
    }

    /// <summary>Closes the socket; pending operations are woken and throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose() => _socket.Dispose();
}
