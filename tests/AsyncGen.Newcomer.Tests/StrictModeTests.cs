using AsyncGen.Fallback;

namespace AsyncGen.Newcomer.Tests;

/// <summary>
/// The README's "no silent fallback" setup, as a user puts it in a project: the RuntimeHostConfigurationOption
/// reaches the test host, so every program in this project would throw if a [PollAsync] method ran on the fallback
/// builder.
/// </summary>
public class StrictModeTests
{
    [Fact]
    public void The_ThrowOnFallback_switch_of_the_project_file_is_on_in_the_test_host()
    {
        Assert.True(AppContext.TryGetSwitch(FallbackMachines.ThrowOnFallbackSwitch, out var enabled) && enabled,
            "AsyncGen.ThrowOnFallback is not set in the test host's runtimeconfig.json");
        Assert.True(FallbackMachines.ThrowOnStart);
    }

    [Fact]
    public void An_async_lambda_returning_Future_throws_naming_what_to_change()
    {
        // What a newcomer tries first: an inline async lambda. The analyzer says AG0111 (a warning we keep as an
        // error in this project, so it is disabled here on purpose) and the run-time switch refuses to start it.
#pragma warning disable AG0111
        Func<Future<int>> lambda = async () => { await Future.Yield(); return 1; };
#pragma warning restore AG0111
        var error = Assert.Throws<InvalidOperationException>(() => Executor.BlockOn(lambda()));
        Assert.Contains("fallback", error.Message, StringComparison.OrdinalIgnoreCase);
    }
}
