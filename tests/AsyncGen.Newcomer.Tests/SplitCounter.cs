namespace AsyncGen.Newcomer.Tests;

/// <summary>
/// A class split in two partial declarations (SplitCounter.cs holds the state, SplitCounter.Steps.cs the futures), as a
/// newcomer splits one; the third newcomer round awaits its <see cref="Step"/>.
/// </summary>
public sealed partial class SplitCounter
{
    public static int Created;

    public SplitCounter() => Created++;

    public int Value { get; private set; }
}
