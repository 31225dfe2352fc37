namespace AsyncGen.Sync;

/// <summary>
/// Creates one-shot channels (tokio's <c>oneshot</c>): a single value sent once from a
/// <see cref="OneshotSender{T}"/> to a <see cref="OneshotReceiver{T}"/>, which is itself the future of that value.
/// </summary>
/// <remarks>
/// <para>Disposing the sender without sending completes the receiver with <see cref="ReceiveResult{T}.Closed"/>;
/// disposing the receiver makes later sends fail (<see cref="OneshotSender{T}.Send"/> returns false), so the sender
/// can tell nobody listens (<see cref="OneshotSender{T}.IsClosed"/>).</para>
/// <para><b>Cancel safety.</b> The receiver is the future: disposing it while pending is dropping the receiver, so
/// a value sent afterwards is refused and stays with the sender; a value sent before the dispose but not yet
/// received is dropped with the receiver. Create costs one shared object; send and receive allocate nothing.</para>
/// </remarks>
/// <example><code>
/// var (tx, rx) = Oneshot.Create&lt;int&gt;();
/// tx.Send(42);
/// ReceiveResult&lt;int&gt; result = await rx;   // Received(42)
/// </code></example>
public static class Oneshot
{
    /// <summary>Creates a connected sender and receiver.</summary>
    public static (OneshotSender<T> Sender, OneshotReceiver<T> Receiver) Create<T>()
    {
        var cell = new OneshotCell<T>();
        return (new OneshotSender<T>(cell), new OneshotReceiver<T>(cell));
    }
}
