namespace AsyncGen.Generator.Model;

/// <summary>One await: the state number it suspends in, what it starts and where its result goes.</summary>
/// <para><c>ResultType</c>: Fully qualified type of the await expression; null when it is void.</para>
/// <para><c>Start</c>: Expression evaluated once to create the future or the awaiter.</para>
/// <para><c>Description</c>: The awaited expression as the user wrote it, for the header comment.</para>
/// <para><c>LiveFields</c>: Fields of parameters and locals still needed after this await, for the header.</para>
/// <para><c>CancelsInPlace</c>: the awaited future has its own <c>CancelInPlace</c> (an embedded <c>[PollAsync]</c>
/// machine, a <c>Future&lt;T&gt;</c>, <c>Select</c>, <c>Timeout</c>): cancelling, the machine waits for its cleanup
/// before running its own.</para>
internal sealed record AwaitSite(
    int State, AwaitKind Kind, string FieldName, string FieldType, string? ResultType, string Start,
    int Line, string Description, EquatableArray<int> EnclosingFinallies, EquatableArray<string> LiveFields = default,
    bool CancelsInPlace = false);
