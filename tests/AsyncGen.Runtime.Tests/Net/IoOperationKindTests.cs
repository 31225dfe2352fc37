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
}
