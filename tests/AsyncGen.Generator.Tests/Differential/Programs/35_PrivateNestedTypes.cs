// Calls of [PollAsync] methods whose signature uses a private or protected nested type (or whose type is private),
// made from plain code: their interceptors are members of the method's own type (AG0009 told newcomers to make the
// type internal). Each plain call below is intercepted; the differential tests run them under the throwing switch.

public static partial class P_PnPrivateTypesInParametersAndResult
{
    private sealed record Item(string Name, int Count);
    private enum Shelf { Top = 1, Bottom = 2 }

    [PollAsync]
    private static async Future<Item> Restock(Item item, Shelf shelf, List<string> log)
    {
        await Ops.Yield();
        log.Add("restocked " + item.Name + " on " + shelf);
        return item with { Count = item.Count + (int)shelf };
    }

    // Plain code: this call goes through the interceptor declared in this class.
    private static Future<Item> Later(Item item, List<string> log) => Restock(item, Shelf.Bottom, log);

    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var pending = Later(new Item("nut", 3), log);
        log.Add("created");
        var item = await pending;
        return item.ToString();
    }
}

public static partial class P_PnPrivateTypesInTypeArguments
{
    private readonly record struct Reading(string Sensor, double Value);
    private sealed class Bucket<T> { public List<T> Items { get; } = new(); }

    [PollAsync]
    private static async Future<Dictionary<string, List<Reading>>> Group(IEnumerable<Reading> readings)
    {
        var groups = new Dictionary<string, List<Reading>>();
        foreach (var reading in readings)
        {
            await Ops.Yield();
            if (!groups.TryGetValue(reading.Sensor, out var list)) groups[reading.Sensor] = list = new List<Reading>();
            list.Add(reading);
        }
        return groups;
    }

    [PollAsync]
    private static async Future<(Bucket<Reading> Bucket, int Count)> Fill<T>(T tag, Reading[] readings)
    {
        var bucket = new Bucket<Reading>();
        foreach (var reading in readings) bucket.Items.Add(reading with { Sensor = reading.Sensor + tag });
        await Ops.Yield();
        return (bucket, bucket.Items.Count);
    }

    private static Future<Dictionary<string, List<Reading>>> GroupLater(Reading[] readings) => Group(readings);
    private static Future<(Bucket<Reading> Bucket, int Count)> FillLater(Reading[] readings) => Fill(7, readings);

    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var readings = new[] { new Reading("a", 1.5), new Reading("b", 2), new Reading("a", 3) };
        var groups = await GroupLater(readings);
        var (bucket, count) = await FillLater(readings);
        log.Add("groups " + string.Join(",", groups.Select(g => g.Key + "=" + g.Value.Sum(r => r.Value))));
        return count + " " + string.Join(",", bucket.Items.Select(r => r.Sensor));
    }
}

public static partial class P_PnNestedInNested
{
    private static partial class Inner
    {
        private sealed class Deep { public int Level; }

        [PollAsync]
        private static async Future<Deep> Dig(int level)
        {
            await Ops.Yield();
            return new Deep { Level = level * 2 };
        }

        [PollAsync]
        private static async Future<int> Measure(Future<Deep> deep)
        {
            var found = await deep;
            await Ops.Yield();
            return found.Level + 1;
        }

        // Two intercepted calls, both declared in Inner (Deep is private there).
        internal static Future<int> DepthOf(int level) => Measure(Dig(level));
    }

    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var first = await Inner.DepthOf(5);
        var second = await Inner.DepthOf(first);
        return first + " " + second;
    }
}

public static partial class P_PnInstanceMethodsOfPrivateStructsAndRecords
{
    private sealed class Receipt { public string Text = ""; }

    private partial struct Meter
    {
        public int Total;

        [PollAsync]
        public async Future<Receipt> Add(int amount, List<string> log)
        {
            Total += amount;
            await Ops.Yield();
            log.Add("meter at " + Total);
            return new Receipt { Text = "added " + amount };
        }

        [PollAsync]
        public readonly async Future<int> Read()
        {
            await Ops.Yield();
            return Total;
        }
    }

    private partial record Ledger(string Name)
    {
        [PollAsync]
        public async Future<Receipt> Book(Receipt receipt)
        {
            await Ops.Yield();
            return new Receipt { Text = Name + ": " + receipt.Text };
        }
    }

    private static Future<Receipt> AddLater(ref Meter meter, List<string> log) => meter.Add(5, log);
    private static Future<int> ReadLater(in Meter meter) => meter.Read();
    private static Future<Receipt> BookLater(Ledger ledger, Receipt receipt) => ledger.Book(receipt);

    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var meter = new Meter { Total = 10 };
        var adding = AddLater(ref meter, log);
        var reading = ReadLater(meter);
        var receipt = await adding;
        var booked = await BookLater(new Ledger("shop"), receipt);
        return booked.Text + " " + await reading + " " + meter.Total;
    }
}

public static partial class P_PnCalledFromAnotherTypeThatSeesIt
{
    private sealed class Token { public int Id; }

    [PollAsync]
    private static async Future<Token> Issue(int id)
    {
        await Ops.Yield();
        return new Token { Id = id };
    }

    private partial class Hidden
    {
        [PollAsync]
        public async Future<int> Twice(int value)
        {
            await Ops.Yield();
            return value * 2;
        }
    }

    // Not partial, not [PollAsync]: its calls reach the interceptors declared in P_PnCalledFromAnotherTypeThatSeesIt
    // and in Hidden (a private class, so a file class could not reach its machine either).
    private sealed class Worker
    {
        public Future<Token> Next(int id) => Issue(id);
        public Future<int> Double(int value) => new Hidden().Twice(value);
    }

    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var worker = new Worker();
        var token = await worker.Next(3);
        return token.Id + " " + await worker.Double(token.Id);
    }
}

public partial class P_PnProtectedFromADerivedClass
{
    public partial class Base
    {
        protected sealed class Grant { public int Level; }

        [PollAsync]
        protected async Future<Grant> Issue(int level)
        {
            await Ops.Yield();
            return new Grant { Level = level + Bonus };
        }

        [PollAsync]
        protected static async Future<int> LevelOf(Future<Grant> grant) => (await grant).Level;

        protected virtual int Bonus => 1;
    }

    // Not partial: a derived class calls the protected methods through the interceptors declared in Base.
    public sealed class Derived : Base
    {
        protected override int Bonus => 10;

        public Future<int> Later(int level) => LevelOf(Issue(level));
    }

    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var level = await new Derived().Later(4);
        return "level " + level;
    }
}
