// A foreach over a span whose only awaits are in its collection stays a C# loop after them (review R6): its
// iteration variable is first assigned after those awaits, so it need not live in the machine, and a `ref` or
// `ref readonly` variable keeps its ref (the loop writes the array's elements, not copies of them).

public static partial class P_RefSpanLoopsOverAnAwaitedCollection
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var letters = new[] { 'a', 'b', 'c' };
        foreach (ref char c in (await Ops.Value(letters)).AsSpan())
        {
            c = char.ToUpperInvariant(c);
        }
        var numbers = new[] { 1, 2, 3 };
        foreach (ref var n in (await Ops.Value(numbers)).AsSpan())
        {
            n *= 10;
        }
        var sum = 0;
        foreach (ref readonly int n in (await Ops.Value(numbers)).AsSpan(1))
        {
            sum += n;
            log.Add("read " + n);
        }
        await Ops.Yield();
        return new string(letters) + " " + string.Join(",", numbers) + " " + sum;
    }
}
