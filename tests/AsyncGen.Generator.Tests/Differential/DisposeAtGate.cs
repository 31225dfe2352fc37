using Gate = AsyncGen.Generator.Tests.Behaviour.InProjectMachines.Gate;

namespace AsyncGen.Generator.Tests.Differential;

/// <summary>
/// The machine twin's cancellation in the cancelled-cleanup differential tests: a task that polls
/// <paramref name="inner"/> until it waits at <paramref name="gate"/>, then disposes it.
/// </summary>
internal sealed class DisposeAtGate(Future<int> inner, Gate gate) : IFuture<Unit>
{
    public Poll<Unit> Poll(ref Context cx)
    {
        if (gate.Polls > 0)
        {
            inner.Dispose();
            return Poll<Unit>.Ready(default);
        }
        if (inner.Poll(ref cx).IsReady) throw new InvalidOperationException("the machine should wait at its gate");
        if (gate.Polls > 0) cx.Waker.Wake(); // the gate wakes no one: dispose at the next poll
        return Poll<Unit>.Pending;
    }
}
