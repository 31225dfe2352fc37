using AsyncGen;

namespace Lib;

/// <summary>A library that references the AsyncGen package directly.</summary>
public static partial class Greeter
{
    [PollAsync]
    public static async Future<string> Greet(string name)
    {
        await Time.Sleep(TimeSpan.FromMilliseconds(10));
        return $"Hello, {name}";
    }

    /// <summary>A call site inside the library, where the generator running on the library intercepts it.</summary>
    public static Future<string> GreetFromLibrary(string name) => Greet(name);
}
