using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;

namespace AsyncGen.Tools.Top;

/// <summary>
/// Asks a running process for a dump of its tasks: an EventPipe session on the <c>AsyncGen</c> EventSource with
/// the argument <c>Command=DumpTasks</c>, which makes the runtime write one <c>TaskDumped</c> event per live task as
/// the session starts.
/// </summary>
internal static class TaskDumpSession
{
    /// <summary>The <c>Dump</c> keyword of the AsyncGen EventSource (AsyncGenEventSource.Keywords.Dump).</summary>
    private const long DumpKeyword = 0x8;

    /// <summary>
    /// How long to read after the session starts: the dump is written synchronously when the session is enabled,
    /// so this only covers the trip through the EventPipe buffers (flushed at least every 100 ms by the runtime).
    /// </summary>
    private static readonly TimeSpan s_readFor = TimeSpan.FromMilliseconds(400);

    /// <summary>The live tasks of process <paramref name="pid"/>.</summary>
    public static List<TaskRow> Take(int pid)
    {
        var client = new DiagnosticsClient(pid);
        var provider = new EventPipeProvider("AsyncGen", EventLevel.Informational, DumpKeyword,
            new Dictionary<string, string> { ["Command"] = "DumpTasks" });
        var rows = new List<TaskRow>();
        using var session = client.StartEventPipeSession([provider], requestRundown: false);
        using var source = new EventPipeEventSource(session.EventStream);
        source.Dynamic.All += e =>
        {
            if (e.ProviderName != "AsyncGen" || e.EventName != "TaskDumped") return;
            lock (rows)
            {
                rows.Add(new TaskRow(
                    (string)e.PayloadByName("executor"), (long)e.PayloadByName("taskId"), (string)e.PayloadByName("name"),
                    (string)e.PayloadByName("state"), (int)e.PayloadByName("polls"), (double)e.PayloadByName("sinceLastPollMs"),
                    (string)e.PayloadByName("backtrace")));
            }
        };
        var reader = Task.Run(source.Process);
        Thread.Sleep(s_readFor);
        session.Stop();
        reader.Wait(TimeSpan.FromSeconds(5));
        lock (rows) return [.. rows];
    }
}
