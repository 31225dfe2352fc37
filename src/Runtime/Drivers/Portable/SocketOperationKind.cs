namespace AsyncGen.Drivers.Portable;

/// <summary>Which operation a <see cref="SocketOperation"/> runs.</summary>
internal enum SocketOperationKind
{
    None,
    Receive,
    ReceiveFrom,
    Accept,
    Send,
    SendTo,
    Connect,
    ReadinessProbe,
}
