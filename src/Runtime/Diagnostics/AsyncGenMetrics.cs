namespace AsyncGen.Diagnostics;

/// <summary>
/// The names a metrics consumer filters on: the <c>AsyncGen</c> meter, and the tags that say which executor a
/// measurement of an <c>asyncgen.*</c> instrument belongs to.
/// </summary>
/// <example>
/// Only one executor's measurements, in a <see cref="System.Diagnostics.Metrics.MeterListener"/> callback:
/// <code>
/// foreach (var tag in tags)
///     if (tag.Key == AsyncGenMetrics.ExecutorTag &amp;&amp; (string?)tag.Value == executor.Name) Record(instrument, value);
/// </code>
/// With OpenTelemetry: <c>.AddMeter(AsyncGenMetrics.MeterName)</c>, then a view or a query on the <c>executor</c>
/// attribute.
/// </example>
public static class AsyncGenMetrics
{
    /// <summary>The meter's name (also the EventSource's): <c>dotnet-counters monitor --counters AsyncGen</c>.</summary>
    public const string MeterName = "AsyncGen";

    /// <summary>
    /// The tag naming the executor of a measurement; its value is the executor's <see cref="LocalExecutor.Name"/> or
    /// <see cref="WorkStealingExecutor.Name"/> (<c>local-1</c>, <c>work-stealing-2</c>). Process-wide instruments
    /// (<c>asyncgen.fallback.started</c>, <c>asyncgen.async_disposal.detached</c>) carry no executor tag.
    /// </summary>
    public const string ExecutorTag = "executor";

    /// <summary>The tag saying which kind of executor it is: <see cref="LocalKind"/> or <see cref="WorkStealingKind"/>.</summary>
    public const string ExecutorKindTag = "executor.kind";

    /// <summary>The <see cref="ExecutorKindTag"/> value of a <see cref="LocalExecutor"/>.</summary>
    public const string LocalKind = "local";

    /// <summary>The <see cref="ExecutorKindTag"/> value of a <see cref="WorkStealingExecutor"/>.</summary>
    public const string WorkStealingKind = "work-stealing";
}
