using System.Runtime.CompilerServices;

namespace AsyncGen;

/// <summary>The poll step shared by the Task/ValueTask futures: register a wake-up continuation once, then only
/// refresh the waker.</summary>
internal static class CallbackRelay
{
    /// <summary>
    /// Called when the awaited operation is not complete. Returns true while it must still be waited for; the
    /// caller re-checks completion after a true, because the continuation may already have run.
    /// </summary>
    public static bool MustWait<TAwaiter>(ref AwaiterWakeRelay? relay, ref TAwaiter awaiter, in Waker waker)
        where TAwaiter : INotifyCompletion
    {
        if (relay is null)
        {
            // One relay (and continuation) per awaited operation, allocated only if it is actually pending.
            relay = new AwaiterWakeRelay();
            relay.Register(ref awaiter, waker);
        }
        else
        {
            relay.Update(waker);
        }
        return !relay.HasFired;
    }
}
