using Spectre.Console;

namespace AsyncGen.Tools.Top;

/// <summary>Renders the tasks as a table: one row per task, sorted as asked, backtrace last.</summary>
internal static class TaskTable
{
    public static Table Render(int pid, IReadOnlyList<TaskRow> rows, string sortBy)
    {
        var sorted = sortBy switch
        {
            "polls" => rows.OrderByDescending(r => r.Polls),
            "rate" => rows.OrderByDescending(r => r.PollRate ?? 0),
            "idle" => rows.OrderByDescending(r => r.IdleMs),
            _ => rows.OrderBy(r => r.Id),
        };
        var table = new Table().Border(TableBorder.Simple)
            .Title($"asyncgen-top: process {pid}, {rows.Count} live task(s), sorted by {sortBy}")
            .AddColumn("executor").AddColumn(new TableColumn("id").RightAligned()).AddColumn("task").AddColumn("state")
            .AddColumn(new TableColumn("polls").RightAligned()).AddColumn(new TableColumn("polls/s").RightAligned())
            .AddColumn(new TableColumn("idle").RightAligned()).AddColumn("waiting at (innermost first)");
        foreach (var row in sorted)
        {
            table.AddRow(
                Markup.Escape(row.Executor), row.Id.ToString(), Markup.Escape(row.Name), Markup.Escape(row.State),
                row.Polls.ToString(), row.PollRate is { } rate ? rate.ToString("0.0") : "-", Idle(row.IdleMs),
                Markup.Escape(row.Backtrace));
        }
        return table;
    }

    private static string Idle(double ms) => ms >= 1000 ? $"{ms / 1000:0.0} s" : $"{ms:0} ms";
}
