namespace AsyncGen.Tour.Sections;

internal static class Heading
{
    public static void Print(string title)
    {
        Console.WriteLine(title);
        Console.WriteLine(new string('─', title.Length));
    }
}
