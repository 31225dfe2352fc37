using System.Collections.Immutable;

namespace AsyncGen.Analyzers.Semantics;

/// <summary>How a blocking call can be rewritten inside an async body; carried to the code fix in diagnostic properties.</summary>
internal enum BlockingCallFix
{
    /// <summary>No mechanical rewrite is known.</summary>
    None,

    /// <summary><c>Thread.Sleep(x)</c> → <c>await Time.Sleep(x)</c>.</summary>
    TimeSleep,

    /// <summary><c>task.Wait()</c>, <c>task.Result</c>, <c>task.GetAwaiter().GetResult()</c> → <c>await task</c>.</summary>
    AwaitTask,

    /// <summary><c>x.Foo(args)</c> → <c>await x.FooAsync(args)</c>.</summary>
    AsyncTwin,
}

/// <summary>A call recognised as blocking the calling thread: what to call it in a message and how to fix it.</summary>
internal readonly struct BlockingCall
{
    public const string FixProperty = "Fix";
    public const string TwinProperty = "Twin";
    public const string TwinNeedsTokenProperty = "TwinNeedsToken";

    public BlockingCall(string display, string advice, BlockingCallFix fix, string? twin = null, bool twinNeedsToken = false)
    {
        Display = display;
        Advice = advice;
        Fix = fix;
        Twin = twin;
        TwinNeedsToken = twinNeedsToken;
    }

    /// <summary>The call as the message names it, e.g. <c>Thread.Sleep</c>.</summary>
    public string Display { get; }

    /// <summary>What to do instead, in the words of an async body.</summary>
    public string Advice { get; }

    public BlockingCallFix Fix { get; }

    /// <summary>The name of the async twin, for <see cref="BlockingCallFix.AsyncTwin"/>.</summary>
    public string? Twin { get; }

    /// <summary>The twin takes a trailing <c>CancellationToken</c> without a default, so the fix must pass one.</summary>
    public bool TwinNeedsToken { get; }

    public ImmutableDictionary<string, string?> ToProperties()
    {
        var properties = ImmutableDictionary<string, string?>.Empty.Add(FixProperty, Fix.ToString());
        return Twin is null
            ? properties
            : properties.Add(TwinProperty, Twin).Add(TwinNeedsTokenProperty, TwinNeedsToken ? "true" : "false");
    }
}
