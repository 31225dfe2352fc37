// The http_plaintext baseline (benchmarks/Http/run.sh): Kestrel with minimal APIs, as TechEmpower's aspnetcore
// "Minimal" entry: GET /plaintext → "Hello, World!", GET /json → {"message":"Hello, World!"}, logging off.
//
//   dotnet run -c Release --project benchmarks/Http/KestrelServer -- [--port N]
int port = 8081;
if (args.Length == 2 && args[0] == "--port" && int.TryParse(args[1], out int parsed)) port = parsed;
else if (args.Length != 0)
{
    Console.Error.WriteLine("usage: KestrelServer [--port N]");
    return 2;
}

var builder = WebApplication.CreateBuilder();
builder.Logging.ClearProviders(); // TechEmpower: "Disable logging as this is not required for the benchmark"
builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
var app = builder.Build();

app.MapGet("/plaintext", () => "Hello, World!");
app.MapGet("/json", () => new { message = "Hello, World!" });

app.Lifetime.ApplicationStarted.Register(() => Console.WriteLine($"Kestrel HTTP server on http://127.0.0.1:{port}"));
app.Run();
return 0;
