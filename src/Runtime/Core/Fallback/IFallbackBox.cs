namespace AsyncGen.Fallback;

/// <summary>What a fallback builder reports to the future that boxes its state machine.</summary>
internal interface IFallbackBox<T>
{
    void SetResult(T result);

    void SetException(Exception error);

    void AwaitOnCompleted<TAwaiter>(ref TAwaiter awaiter) where TAwaiter : System.Runtime.CompilerServices.INotifyCompletion;
}
