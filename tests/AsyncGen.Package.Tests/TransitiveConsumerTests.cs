using System.Xml.Linq;

namespace AsyncGen.Package.Tests;

/// <summary>
/// App → Lib → AsyncGen: the app has no PackageReference to AsyncGen, yet compiles against its runtime, gets its
/// build logic through buildTransitive/ and its generator through NuGet's transitive analyzers.
/// </summary>
[Collection(PackageCollection.Name)]
public sealed class TransitiveConsumerTests(PackagedConsumers consumers)
{
    [Fact]
    public void App_that_only_references_a_library_gets_the_package_targets_through_buildTransitive()
    {
        var app = XDocument.Load(Path.Combine(consumers.AppDirectory, "App.csproj"));
        Assert.Empty(app.Descendants("PackageReference"));
        var (interceptors, warningsAsErrors) = ConsumerTests.Properties(consumers.AppProperties);
        Assert.Contains("AsyncGen.Generated", interceptors);
        Assert.Contains("CS8785", warningsAsErrors);
        Assert.Contains("CS9057", warningsAsErrors);
    }

    [Fact]
    public void App_that_only_references_a_library_builds_and_runs_PollAsync_code_of_both()
    {
        ConsumerTests.AssertSucceeded(consumers.Build);
        ConsumerTests.AssertSucceeded(consumers.RunApp);
        Assert.Contains("Hello, library", consumers.RunApp!.Output);
        Assert.Contains("Twice.Of(21) = 42", consumers.RunApp.Output);
    }

    [Fact]
    public void Calls_in_the_library_and_in_the_app_are_both_intercepted()
    {
        ConsumerTests.AssertSucceeded(consumers.RunApp);
        Assert.Contains("library call ran as AsyncGen.FutureBox`2[", consumers.RunApp!.Output);
        Assert.Contains("app call ran as AsyncGen.FutureBox`2[", consumers.RunApp.Output);
    }

    [Fact]
    public void A_call_using_a_private_nested_type_in_the_root_namespace_is_intercepted_by_a_member_of_its_type()
    {
        var (interceptors, _) = ConsumerTests.Properties(consumers.AppProperties);
        Assert.Contains("App", interceptors);
        ConsumerTests.AssertSucceeded(consumers.Build);
        Assert.DoesNotContain("AG0009", consumers.Build!.Output, StringComparison.Ordinal);
        ConsumerTests.AssertSucceeded(consumers.RunApp);
        Assert.Contains("Inventory: 5 as AsyncGen.FutureBox`2[App.Inventory+RestockFuture,App.Inventory+Item]", consumers.RunApp!.Output);
    }
}
