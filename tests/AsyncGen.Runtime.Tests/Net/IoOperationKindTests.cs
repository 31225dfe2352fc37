using AsyncGen.Drivers;
using AsyncGen.Net;

namespace AsyncGen.Runtime.Tests.Net;

/// <summary>
/// An operation future carries its kind (one byte) instead of its event name and public method name (two strings):
/// the kind must map back to the side of the socket it holds and to a public method misuse messages can name.
/// </summary>
public class IoOperationKindTests
{
    [Fact]
    public void Every_kind_names_a_public_method_of_the_socket_types_and_holds_the_side_it_uses()
    {
        var publicMethods = new[] { typeof(AsyncTcpStream), typeof(AsyncTcpListener), typeof(AsyncUdpSocket) }
            .SelectMany(type => type.GetMethods()).Select(method => method.Name).ToHashSet();
        foreach (var kind in Enum.GetValues<IoOperationKind>())
        {
            Assert.Contains(kind.Method(), publicMethods);
            var expected = kind.Method() is "ReadAsync" or "ReceiveAsync" or "ReceiveFromAsync" or "AcceptAsync"
                ? Direction.Read
                : Direction.Write;
            Assert.Equal(expected, kind.Direction());
            Assert.Contains(kind.EventName(), expected == Direction.Read ? ["read", "recvfrom", "accept"] : new[] { "write", "sendto" });
        }
        Assert.Equal(8, Enum.GetValues<IoOperationKind>().Distinct().Select(kind => kind.Method()).Distinct().Count());
    }

    [Fact]
    public void Read_and_write_futures_stay_small_because_they_are_built_inside_the_task_per_request()
    {
        // 16 bytes of buffer (Memory<T>) + the operation (socket, registration, poll count, kind, claim, done);
        // with the two name strings they were 64 and 72 bytes.
        Assert.Equal(40, System.Runtime.CompilerServices.Unsafe.SizeOf<ReadFuture>());
        Assert.Equal(40, System.Runtime.CompilerServices.Unsafe.SizeOf<WriteFuture>());
        Assert.Equal(48, System.Runtime.CompilerServices.Unsafe.SizeOf<WriteAllFuture>());
    }
}
