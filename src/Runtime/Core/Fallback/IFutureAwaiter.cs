namespace AsyncGen.Fallback;

/// <summary>Lets a fallback builder recognise an awaited future among arbitrary awaiters.</summary>
internal interface IFutureAwaiter
{
    IAwaitedChild Child { get; }
}
