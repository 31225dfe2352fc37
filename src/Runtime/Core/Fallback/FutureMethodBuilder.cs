using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace AsyncGen.Fallback;

/// <summary>
/// The compiler's builder for <c>async Future&lt;T&gt;</c> methods that the generator did not rewrite. Start only
/// boxes the state machine; it runs when the returned future is polled.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public struct FutureMethodBuilder<T>
{
    private IFallbackBox<T>? _box;

    /// <summary>Called by compiler-generated code.</summary>
    public static FutureMethodBuilder<T> Create() => default;

    /// <summary>The lazy future of the method.</summary>
    public Future<T> Task => (Future<T>)_box!;

    /// <summary>Stores the state machine without running it (futures are lazy); counted by <see cref="FallbackMachines"/>.</summary>
    public void Start<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicFields | DynamicallyAccessedMemberTypes.NonPublicFields)] TStateMachine>(ref TStateMachine stateMachine) where TStateMachine : IAsyncStateMachine
    {
        FallbackMachines.OnStart<TStateMachine>();
        var box = new StateMachineFuture<TStateMachine, T>();
        _box = box; // set before the copy below, so the boxed machine's builder points at its box
        box.Machine.StateMachine = stateMachine;
    }

    /// <summary>Not used: the state machine is boxed by <see cref="Start"/>.</summary>
    public void SetStateMachine(IAsyncStateMachine stateMachine) { }

    /// <summary>Called by compiler-generated code.</summary>
    public void SetResult(T result) => _box!.SetResult(result);

    /// <summary>Called by compiler-generated code.</summary>
    public void SetException(Exception exception) => _box!.SetException(exception);

    /// <summary>Called by compiler-generated code.</summary>
    public void AwaitOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : INotifyCompletion where TStateMachine : IAsyncStateMachine => _box!.AwaitOnCompleted(ref awaiter);

    /// <summary>Called by compiler-generated code.</summary>
    public void AwaitUnsafeOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : ICriticalNotifyCompletion where TStateMachine : IAsyncStateMachine => _box!.AwaitOnCompleted(ref awaiter);
}

/// <summary>The compiler's builder for <c>async Future</c> methods that the generator did not rewrite.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public struct FutureMethodBuilder
{
    private IFallbackBox<Unit>? _box;

    /// <summary>Called by compiler-generated code.</summary>
    public static FutureMethodBuilder Create() => default;

    /// <summary>The lazy future of the method.</summary>
    public Future Task => (Future)_box!;

    /// <summary>Stores the state machine without running it (futures are lazy); counted by <see cref="FallbackMachines"/>.</summary>
    public void Start<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicFields | DynamicallyAccessedMemberTypes.NonPublicFields)] TStateMachine>(ref TStateMachine stateMachine) where TStateMachine : IAsyncStateMachine
    {
        FallbackMachines.OnStart<TStateMachine>();
        var box = new VoidStateMachineFuture<TStateMachine>();
        _box = box;
        box.Machine.StateMachine = stateMachine;
    }

    /// <summary>Not used: the state machine is boxed by <see cref="Start"/>.</summary>
    public void SetStateMachine(IAsyncStateMachine stateMachine) { }

    /// <summary>Called by compiler-generated code.</summary>
    public void SetResult() => _box!.SetResult(default);

    /// <summary>Called by compiler-generated code.</summary>
    public void SetException(Exception exception) => _box!.SetException(exception);

    /// <summary>Called by compiler-generated code.</summary>
    public void AwaitOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : INotifyCompletion where TStateMachine : IAsyncStateMachine => _box!.AwaitOnCompleted(ref awaiter);

    /// <summary>Called by compiler-generated code.</summary>
    public void AwaitUnsafeOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : ICriticalNotifyCompletion where TStateMachine : IAsyncStateMachine => _box!.AwaitOnCompleted(ref awaiter);
}
