namespace AsyncGen.Package.Tests;

/// <summary>
/// No public type of AsyncGen or AsyncGen.Hosting may share its name with a public type of the .NET shared frameworks: every project
/// imports some of their namespaces implicitly (System, System.IO, System.Linq, System.Net.Http, System.Threading,
/// System.Threading.Tasks, System.Collections.Generic; Microsoft.AspNetCore.* and Microsoft.Extensions.* in web
/// and worker projects), and code using AsyncGen's sockets or channels imports System.Net.Sockets or
/// System.Threading.Channels beside them. A shared name is a CS0104 "ambiguous reference" waiting to happen.
/// The rule for a clash: the AsyncGen type takes the <c>Async</c> prefix (<c>AsyncMutex</c>, <c>AsyncSemaphore</c>,
/// <c>AsyncChannel</c>), and the socket types take it together (<c>AsyncTcpListener</c>, <c>AsyncTcpStream</c>,
/// <c>AsyncUdpSocket</c>, <c>AsyncUdpReceiveResult</c>) because they are used together.
/// </summary>
public sealed class NamingTests
{
    // Every assembly a user compiles against: the runtime (package AsyncGen) and AsyncGen.Hosting.
    private static readonly string[] s_builtAssemblies =
    [
        Repository.PathOf($"src/Runtime/bin/{Repository.Configuration}/net10.0/AsyncGen.Runtime.dll"),
        Repository.PathOf($"src/Hosting/bin/{Repository.Configuration}/net10.0/AsyncGen.Hosting.dll"),
    ];

    [Fact]
    public void No_public_AsyncGen_type_shares_its_name_with_a_public_type_of_the_shared_frameworks()
    {
        var asyncGen = s_builtAssemblies.SelectMany(PublicTypeNames.Of).ToList();
        Assert.Contains(asyncGen, t => t.Name == "AsyncSemaphore"); // read the right assemblies
        Assert.Contains(asyncGen, t => t.Name == "PollAsyncBackgroundService");

        var frameworkTypes = PublicTypeNames.SharedFrameworkReferenceAssemblies()
            .SelectMany(PublicTypeNames.Of)
            .ToLookup(t => t.Name);
        Assert.Contains(frameworkTypes, g => g.Key == "Semaphore"); // read the right packs

        var clashes = asyncGen
            .Where(t => frameworkTypes.Contains(t.Name))
            .Select(t => $"{t} clashes with {string.Join(", ", frameworkTypes[t.Name].Select(f => f.ToString()).Distinct())}")
            .ToList();
        Assert.True(clashes.Count == 0, "Rename (the Async prefix, see NamingTests):\n" + string.Join("\n", clashes));
    }

    [Fact]
    public void Every_public_type_source_names_generic_types_by_arity()
    {
        var source = PackagedConsumers.EveryPublicTypeSource(
            [new("AsyncGen", "Future", 0), new("AsyncGen", "Future", 1), new("AsyncGen", "FutureBox", 2)]);
        Assert.Contains("using AsyncGen;", source);
        Assert.Contains("using System.Net.Sockets;", source);
        Assert.Contains("typeof(Future),", source);
        Assert.Contains("typeof(Future<>),", source);
        Assert.Contains("typeof(FutureBox<,>),", source);
    }
}

/// <summary>
/// Fresh <c>dotnet new console</c> and <c>dotnet new worker</c> projects (implicit usings on, as the templates make
/// them) that name every public AsyncGen type by its simple name, and keep locals of the renamed types across an
/// await so that the generated state machine names them too.
/// </summary>
[Collection(PackageCollection.Name)]
public sealed class ImplicitUsingsConsumerTests(PackagedConsumers consumers)
{
    [Fact]
    public void Console_and_worker_projects_compile_every_public_AsyncGen_type_with_implicit_usings()
    {
        Assert.Equal(4, consumers.NamesSetup.Count);
        foreach (var step in consumers.NamesSetup) ConsumerTests.AssertSucceeded(step);
        ConsumerTests.AssertSucceeded(consumers.BuildNames);
        Assert.DoesNotContain("CS0104", consumers.BuildNames!.Output);
        Assert.DoesNotContain("AG0005", consumers.BuildNames.Output); // the generator, not the fallback builder, compiled NamesInGeneratedCode

        var everyType = File.ReadAllText(Path.Combine(consumers.WorkRoot, "NamesWorker", "EveryPublicType.cs"));
        foreach (var type in PublicTypeNames.Of(consumers.RuntimeAssemblyPath))
            Assert.Contains($"typeof({type.TypeofOperand}),", everyType);
        Assert.Contains("<ImplicitUsings>enable</ImplicitUsings>", File.ReadAllText(Path.Combine(consumers.WorkRoot, "NamesWorker", "NamesWorker.csproj")));
        Assert.Contains("Microsoft.NET.Sdk.Worker", File.ReadAllText(Path.Combine(consumers.WorkRoot, "NamesWorker", "NamesWorker.csproj")));
    }
}
