using System.Diagnostics;
using AsyncGen.Tools.Top;
using Spectre.Console;

// asyncgen-top <pid> [--sort id|polls|rate|idle] [--interval ms] [--once]
// --once: two dumps `interval` apart (for the poll rates), one table printed, exit.
if (args.Length == 0 || !int.TryParse(args[0], out int pid))
{
    Console.Error.WriteLine("usage: asyncgen-top <pid> [--sort id|polls|rate|idle] [--interval ms] [--once]");
    Console.Error.WriteLine("Shows the live tasks of a running AsyncGen process (its AsyncGen EventSource), refreshed until Ctrl+C.");
    return 2;
}
string sortBy = Option("--sort") ?? "id";
var interval = TimeSpan.FromMilliseconds(int.Parse(Option("--interval") ?? "1000"));
bool once = args.Contains("--once");

var previous = new Dictionary<long, int>();
var clock = Stopwatch.StartNew();
TimeSpan last = TimeSpan.Zero;
List<TaskRow> Refresh()
{
    var rows = TaskDumpSession.Take(pid);
    var now = clock.Elapsed;
    double seconds = (now - last).TotalSeconds;
    var rated = rows.Select(r => previous.TryGetValue(r.Id, out int before) && last > TimeSpan.Zero
        ? r with { PollRate = (r.Polls - before) / seconds } : r).ToList();
    previous = rows.ToDictionary(r => r.Id, r => r.Polls);
    last = now;
    return rated;
}

if (once)
{
    // Printed once (e.g. into a file): plain text, wide enough for backtraces; two dumps for the poll rates.
    if (Console.IsOutputRedirected)
    {
        AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        AnsiConsole.Profile.Width = 200;
    }
    Refresh();
    Thread.Sleep(interval);
    AnsiConsole.Write(TaskTable.Render(pid, Refresh(), sortBy));
    return 0;
}
await AnsiConsole.Live(TaskTable.Render(pid, Refresh(), sortBy)).StartAsync(async context =>
{
    while (true)
    {
        await Task.Delay(interval);
        context.UpdateTarget(TaskTable.Render(pid, Refresh(), sortBy));
    }
});
return 0;

string? Option(string name)
{
    int index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}
