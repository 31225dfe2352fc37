using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using AsyncGen.Diagnostics;

namespace AsyncGen.Fallback;

/// <summary>The heap box of a fallback <c>async Future&lt;T&gt;</c> state machine.</summary>
internal sealed class StateMachineFuture<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicFields | DynamicallyAccessedMemberTypes.NonPublicFields)] TStateMachine, T> : Future<T>, IFallbackBox<T>, IAsyncFrameSource
    where TStateMachine : IAsyncStateMachine
{
    public FallbackMachine<TStateMachine, T> Machine;

    public override Poll<T> Poll(ref Context cx) => Machine.Poll(ref cx);

    public override void Dispose() => Machine.Dispose();

    public override bool CancelInPlace() => Machine.CancelInPlace();

    public void CollectFrames(List<AsyncFrame> frames) => Machine.CollectFrames(frames);

    public void SetResult(T result) => Machine.SetResult(result);

    public void SetException(Exception error) => Machine.SetException(error);

    public void AwaitOnCompleted<TAwaiter>(ref TAwaiter awaiter) where TAwaiter : INotifyCompletion =>
        Machine.AwaitOnCompleted(ref awaiter);
}

/// <summary>The heap box of a fallback <c>async Future</c> state machine.</summary>
internal sealed class VoidStateMachineFuture<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicFields | DynamicallyAccessedMemberTypes.NonPublicFields)] TStateMachine> : Future, IFallbackBox<Unit>, IAsyncFrameSource
    where TStateMachine : IAsyncStateMachine
{
    public FallbackMachine<TStateMachine, Unit> Machine;

    public override Poll<Unit> Poll(ref Context cx) => Machine.Poll(ref cx);

    public override void Dispose() => Machine.Dispose();

    public override bool CancelInPlace() => Machine.CancelInPlace();

    public void CollectFrames(List<AsyncFrame> frames) => Machine.CollectFrames(frames);

    public void SetResult(Unit result) => Machine.SetResult(result);

    public void SetException(Exception error) => Machine.SetException(error);

    public void AwaitOnCompleted<TAwaiter>(ref TAwaiter awaiter) where TAwaiter : INotifyCompletion =>
        Machine.AwaitOnCompleted(ref awaiter);
}
