using AsyncGen.Hosting;
using Worker;

var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddAsyncGen(); // before the services that run on it: the executor stops after them
builder.Services.AddHostedService<JobWorker>();

var host = builder.Build();
host.Run();
