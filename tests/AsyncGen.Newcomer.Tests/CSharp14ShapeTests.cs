namespace AsyncGen.Newcomer.Tests;

/// <summary>
/// C# 14 shapes a newcomer on the .NET 10 SDK writes around awaits, each beside the same code as <c>async Task</c>:
/// null-conditional assignments (the right side runs only when the receiver is not null), extension members, and
/// user-defined compound assignment operators.
/// </summary>
public partial class CSharp14ShapeTests
{
    public sealed class Node
    {
        public string? Name { get; set; }
        public int Count { get; set; }
        public Node? Next { get; set; }
    }

    /// <summary>A C# 14 instance compound assignment operator, without a binary <c>+</c>.</summary>
    public sealed class Tally
    {
        public int Value { get; private set; }
        public void operator +=(int amount) => Value += amount;
    }

    [PollAsync]
    private static async Future<T> Later<T>(List<string> log, T value)
    {
        log.Add($"later {value}");
        await Future.Yield();
        return value;
    }

    private static async Task<T> LaterTask<T>(List<string> log, T value)
    {
        log.Add($"later {value}");
        await Task.Yield();
        return value;
    }

    [PollAsync]
    private static async Future<string> NullConditionalAssignments(List<string> log, Node? present, Node? missing)
    {
        present?.Name = await Later(log, "named");
        missing?.Name = await Later(log, "never");
        present?.Count += await Later(log, 5);
        missing?.Count += await Later(log, 6);
        present?.Next?.Name = await Later(log, "deep");
        return $"{present?.Name} {present?.Count} {present?.Next?.Name} {missing is null}";
    }

    private static async Task<string> NullConditionalAssignmentsTask(List<string> log, Node? present, Node? missing)
    {
        present?.Name = await LaterTask(log, "named");
        missing?.Name = await LaterTask(log, "never");
        present?.Count += await LaterTask(log, 5);
        missing?.Count += await LaterTask(log, 6);
        present?.Next?.Name = await LaterTask(log, "deep");
        return $"{present?.Name} {present?.Count} {present?.Next?.Name} {missing is null}";
    }

    [Fact]
    public async Task Null_conditional_assignments_run_the_right_side_only_for_a_receiver()
    {
        var (futureLog, taskLog) = (new List<string>(), new List<string>());
        var future = Executor.BlockOn(NullConditionalAssignments(futureLog, new Node { Count = 1, Next = new Node() }, null));
        var task = await NullConditionalAssignmentsTask(taskLog, new Node { Count = 1, Next = new Node() }, null);
        Assert.Equal(task, future);
        Assert.Equal(taskLog, futureLog);
    }

    [PollAsync]
    private static async Future<string> ExtensionMembersAndCompoundOperators(List<string> log, Node node)
    {
        node.Bump(await Later(log, 3));
        var doubled = node.Doubled;
        await Future.Yield();
        var tally = new Tally();
        tally += await Later(log, 4);
        tally += node.Doubled;
        return $"{doubled} {node.Doubled} {tally.Value}";
    }

    private static async Task<string> ExtensionMembersAndCompoundOperatorsTask(List<string> log, Node node)
    {
        node.Bump(await LaterTask(log, 3));
        var doubled = node.Doubled;
        await Task.Yield();
        var tally = new Tally();
        tally += await LaterTask(log, 4);
        tally += node.Doubled;
        return $"{doubled} {node.Doubled} {tally.Value}";
    }

    [Fact]
    public async Task Extension_members_and_compound_assignment_operators_match_async_Task()
    {
        var (futureLog, taskLog) = (new List<string>(), new List<string>());
        Assert.Equal(await ExtensionMembersAndCompoundOperatorsTask(taskLog, new Node { Count = 1 }),
            Executor.BlockOn(ExtensionMembersAndCompoundOperators(futureLog, new Node { Count = 1 })));
        Assert.Equal(taskLog, futureLog);
    }
}

public static class CSharp14NodeExtensions
{
    extension(CSharp14ShapeTests.Node node)
    {
        public int Doubled => node.Count * 2;

        public void Bump(int by) => node.Count += by;
    }
}
