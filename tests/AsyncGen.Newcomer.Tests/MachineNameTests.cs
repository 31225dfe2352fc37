namespace AsyncGen.Newcomer.Tests;

/// <summary>
/// Names a newcomer gives the members of the type that holds [PollAsync] methods, which are also names the generated
/// machine uses for its own fields and helpers (<c>_state</c>, <c>_closure</c>, <c>Closure</c>): the body must keep
/// meaning the user's members.
/// </summary>
public static partial class MachineNameTests
{
    private static int _state;
    private static string _this = "this field";
    private static List<string> _closure = [];
    private static int _relay = 7;

    public sealed record Closure(string Name);

    [PollAsync]
    private static async Future<string> UsesTheTypesOwnMembers(int step)
    {
        _state = step;
        var captured = "captured";
        Func<string> read = () => captured;
        await Task.Yield();
        _state += await Later(step);
        _closure.Add(read());
        var closure = new Closure(_this);
        await Future.Yield();
        captured = "changed";
        return $"{_state} {_this} {string.Join(",", _closure)} {closure.Name} {_relay} {read()}";
    }

    [PollAsync]
    private static async Future<int> Later(int value)
    {
        await Future.Yield();
        return value;
    }

    [Fact]
    public static void Static_fields_named_like_machine_fields_and_a_type_named_Closure_are_the_users()
    {
        _closure = [];
        Assert.Equal("6 this field captured this field 7 changed", Executor.BlockOn(UsesTheTypesOwnMembers(3)));
        Assert.Equal(6, _state);
    }
}
