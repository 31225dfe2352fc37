using AsyncGen.Fallback;

namespace AsyncGen.Generator.Tests.Differential;

/// <summary>
/// The generated world against <c>async Task</c>, under the throwing switch: a program that starts a fallback
/// machine fails. Serial, because the switch and <see cref="FallbackMachines.Started"/> are process-wide (the
/// fallback world runs in the parallel collections, which xunit finishes before this one starts).
/// </summary>
[Collection(FallbackSwitchCollection.Name)]
public class GeneratedDifferentialTests
{
    private static CompiledWorlds Worlds => CompiledWorlds.Instance.Value;

    [Theory]
    [MemberData(nameof(DifferentialTests.GeneratedPrograms), MemberType = typeof(DifferentialTests))]
    public void Generated_machine_matches_async_Task_and_starts_no_fallback_machine(string program)
    {
        var expected = ProgramRunner.RunTask(Worlds.Tasks, program);
        var fallsBack = KnownGeneratorBugs.FallsBack.ContainsKey(program);
        var (actual, fallbackStarts) = FallbackSwitch.Run(throwOnStart: !fallsBack, () => ProgramRunner.RunFuture(Worlds.Generated, program));

        Assert.Equal(expected.ToString(), actual.ToString());
        if (fallsBack)
            Assert.True(fallbackStarts > 0, $"{program} no longer starts a fallback machine: remove it from KnownGeneratorBugs.FallsBack.");
        else
            Assert.Equal(0, fallbackStarts);
    }
}
