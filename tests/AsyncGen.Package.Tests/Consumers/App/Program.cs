using AsyncGen;

var fromLibrary = Lib.Greeter.GreetFromLibrary("library");
Console.WriteLine(Executor.BlockOn(fromLibrary));
Console.WriteLine($"library call ran as {fromLibrary.GetType()}");

var fromApp = Twice.Of(21);
Console.WriteLine($"Twice.Of(21) = {Executor.BlockOn(fromApp)}");
Console.WriteLine($"app call ran as {fromApp.GetType()}");

Console.WriteLine(App.Inventory.Report());

public static partial class Twice
{
    [PollAsync]
    public static async Future<int> Of(int x)
    {
        var greeting = await Lib.Greeter.Greet("app");
        return greeting.Length > 0 ? 2 * x : 0;
    }
}
