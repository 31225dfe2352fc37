// A fourth round of programs written the way a .NET developer new to AsyncGen writes them after reading only the
// README and samples/: everyday C# (records, tuples, LINQ, local functions, static lambdas, extension and generic
// methods, spans before an await, iterators, events) around awaits, each compared with the same code as async Task.
// Helper types are prefixed Na (the corpus is one compilation).

public sealed record NaPerson(string Name, int Age);

public sealed class NaFile(List<string> log, string name) : IDisposable, IAsyncDisposable
{
    public static NaFile Open(List<string> log, string name)
    {
        log.Add("try:" + name);
        return new NaFile(log, name);
    }

    public void Dispose() => log.Add("finally:" + name);

    public ValueTask DisposeAsync()
    {
        log.Add("finally:" + name);
        return default;
    }
}

public static partial class NaText
{
    // An extension method as a newcomer writes one: a top-level static partial class.
    [PollAsync]
    public static async Future<int> WordCount(this string text)
    {
        await Ops.Yield();
        return text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
    }

    [PollAsync]
    public static async Future<T> MaxOf<T>(this IEnumerable<T> items) where T : IComparable<T>
    {
        T? best = default;
        var first = true;
        foreach (var item in items)
        {
            await Ops.Yield();
            if (first || item.CompareTo(best!) > 0) best = item;
            first = false;
        }
        return best!;
    }

    // Plain code calling the extension methods: intercepted with the static form.
    public static Future<int> CountLater(string text) => text.WordCount();
    public static Future<int> MaxLater(int[] values) => values.MaxOf();
}

public static partial class P_NaFuturesStoredInAListAndAwaitedLater
{
    [PollAsync]
    private static async Future<int> Square(int i)
    {
        await Ops.Yield();
        return i * i;
    }

    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var pending = new List<Future<int>>();
        for (var i = 1; i <= 4; i++) pending.Add(Square(i));
        log.Add("created " + pending.Count);
        var total = 0;
        foreach (var future in pending) total += await future;
        var byKey = new Dictionary<string, Future<int>> { ["a"] = Square(5), ["b"] = Square(6) };
        foreach (var key in byKey.Keys.OrderByDescending(k => k)) log.Add(key + "=" + await byKey[key]);
        return "total " + total;
    }
}

public static partial class P_NaLinqOverAwaitedResults
{
    [PollAsync]
    private static async Future<NaPerson> Load(string name)
    {
        await Ops.Yield();
        return new NaPerson(name, name.Length * 7);
    }

    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var people = new List<NaPerson>();
        foreach (var name in new[] { "Ada", "Grace", "Linus", "Bo" }) people.Add(await Load(name));
        var adults = people.Where(p => p.Age >= 18).OrderByDescending(p => p.Age).ThenBy(p => p.Name).Select(p => p.Name);
        log.Add("adults " + string.Join(",", adults));
        var byLength = from p in await Ops.Value(people)
                       group p by p.Name.Length into g
                       orderby g.Key
                       select g.Key + ":" + string.Join("/", g.Select(p => p.Name));
        log.Add(string.Join(" ", byLength));
        var oldest = people.MaxBy(p => p.Age)!;
        return $"{oldest.Name} {people.Sum(p => p.Age)} {people.Average(p => p.Age):F1}";
    }
}

public static partial class P_NaRecordsTuplesAndPatternsAcrossAwaits
{
    [PollAsync]
    private static async Future<(NaPerson Person, bool Found)> Find(string name)
    {
        await Ops.Yield();
        return name.Length > 2 ? (new NaPerson(name, 40), true) : (new NaPerson("nobody", 0), false);
    }

    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var (person, found) = await Find("Ada");
        var (_, missing) = await Find("X");
        var older = person with { Age = person.Age + await Ops.Value(2) };
        object boxed = await Ops.Value<object>(older);
        var description = boxed switch
        {
            NaPerson { Age: > 40, Name: var n } => "senior " + n,
            NaPerson p => "person " + p.Name,
            _ => "unknown",
        };
        if (await Ops.Value<object?>(null) is not NaPerson) log.Add("null is not a person");
        (int a, int b) pair = (await Ops.Value(1), await Ops.Value(2));
        (pair.a, pair.b) = (pair.b, pair.a);
        return $"{found} {missing} {description} {pair} {older == new NaPerson("Ada", 42)}";
    }
}

public static partial class P_NaExceptionsThroughSeveralLayers
{
    [PollAsync]
    private static async Future<int> Parse(string text)
    {
        await Ops.Yield();
        return int.Parse(text);
    }

    [PollAsync]
    private static async Future<int> Sum(List<string> log, params string[] texts)
    {
        var sum = 0;
        foreach (var text in texts)
        {
            try
            {
                sum += await Parse(text);
            }
            catch (FormatException e) when (text.Length == 0)
            {
                log.Add("empty skipped: " + e.GetType().Name);
            }
        }
        return sum;
    }

    [PollAsync]
    private static async Future<int> Total(List<string> log, params string[] texts)
    {
        log.Add("try:total");
        try
        {
            return await Sum(log, texts);
        }
        catch (FormatException e)
        {
            throw new InvalidOperationException("bad input " + string.Join("|", texts), e);
        }
        finally
        {
            log.Add("finally:total");
        }
    }

    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var good = await Total(log, "1", "", "2");
        try
        {
            await Total(log, "3", "x");
            return "unreachable";
        }
        catch (InvalidOperationException e) when (e.InnerException is FormatException)
        {
            return good + " " + e.Message + " <- " + e.InnerException.GetType().Name;
        }
    }
}

public static partial class P_NaGenericAndExtensionMethods
{
    [PollAsync]
    private static async Future<TOut> Map<TIn, TOut>(TIn value, Func<TIn, TOut> map)
    {
        await Ops.Yield();
        return map(value);
    }

    [PollAsync]
    private static async Future<List<T>> Repeat<T>(T value, int times) where T : notnull
    {
        var list = new List<T>();
        for (var i = 0; i < times; i++)
        {
            await Ops.Yield();
            list.Add(value);
        }
        return list;
    }

    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var words = await "the quick brown fox".WordCount();
        var plainWords = await NaText.CountLater("a b");
        var max = await new[] { 3, 9, 4 }.MaxOf();
        var plainMax = await NaText.MaxLater([7, 1]);
        var maxWord = await new List<string> { "pear", "apple", "zucchini" }.MaxOf();
        var length = await Map("hello", s => s.Length);
        var repeated = await Repeat('x', 3);
        return $"{words} {plainWords} {max} {plainMax} {maxWord} {length} {new string(repeated.ToArray())}";
    }
}

public static partial class P_NaLocalFunctionsAndStaticLambdas
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var calls = 0;
        int Next(int step) { calls++; return calls * step; }
        static string Label(int value) => "<" + value + ">";
        Func<int, int> twice = static x => x * 2;
        Func<int, int, int> add = static (a, b) => a + b;

        var values = new List<int>();
        for (var i = 1; i <= 3; i++)
        {
            await Ops.Yield();
            values.Add(twice(Next(i)));
        }
        var total = values.Aggregate(0, add);
        await Ops.Yield();
        log.Add(string.Join(",", values.Select(Label)));
        return $"calls {calls} total {total} {Label(await Ops.Value(total))}";
    }
}

public static partial class P_NaResourcesUnusedAfterAnAwait
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        using var settings = NaFile.Open(log, "settings");
        await using var journal = NaFile.Open(log, "journal");
        await Ops.Yield();
        log.Add("working");
        using (NaFile.Open(log, "scratch"))
        {
            await Ops.Yield();
        }
        await Ops.Yield();
        return "done";
    }
}

public static partial class P_NaRetryUntilItWorks
{
    private static int s_attempts;

    [PollAsync]
    private static async Future<string> Flaky(int failures)
    {
        await Ops.Yield();
        if (++s_attempts <= failures) throw new TimeoutException("attempt " + s_attempts);
        return "ok after " + s_attempts;
    }

    [PollAsync]
    private static async Future<string> Retry(int failures, int maxAttempts, List<string> log)
    {
        s_attempts = 0;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await Flaky(failures);
            }
            catch (TimeoutException e) when (attempt < maxAttempts)
            {
                log.Add("retry after " + e.Message);
                await Ops.Yield();
            }
        }
    }

    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var first = await Retry(2, 5, log);
        try
        {
            await Retry(9, 3, log);
            return "unreachable";
        }
        catch (TimeoutException e)
        {
            return first + "; gave up: " + e.Message;
        }
    }
}

public static partial class P_NaSpawnFromInsideBodies
{
    [PollAsync]
    private static async Future<int> Child(int n)
    {
        await Ops.Yield();
        return n * 10;
    }

    [PollAsync]
    private static async Future<int> Parent(int n)
    {
        // A parent spawning its own children and joining them in order.
        var handles = Enumerable.Range(1, n).Select(i => Ops.Spawn(Child(i))).ToList();
        var sum = 0;
        foreach (var handle in handles) sum += await handle;
        return sum;
    }

    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var parent = Ops.Spawn(Parent(3));
        var direct = await Parent(2);
        return direct + " " + await parent;
    }
}

public static partial class P_NaSpanBeforeAnAwait
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        int checksum;
        {
            // A span is fine in an async method as long as it is not used after an await.
            Span<int> buffer = stackalloc int[4];
            for (var i = 0; i < buffer.Length; i++) buffer[i] = i + 1;
            checksum = 0;
            foreach (var value in buffer) checksum += value;
        }
        await Ops.Yield();
        ReadOnlySpan<char> name = "newcomer".AsSpan(0, 3);
        var prefix = name.ToString();
        await Ops.Yield();
        return prefix + " " + checksum;
    }
}

public static partial class P_NaIteratorsEventsAndDictionaries
{
    private static IEnumerable<int> Evens(int max)
    {
        for (var i = 0; i <= max; i += 2) yield return i;
    }

    private static event Action<string>? Changed;

    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var seen = new List<string>();
        Action<string> handler = s => seen.Add("changed " + s);
        Changed += handler;
        var stock = new Dictionary<string, int> { ["apples"] = 3, ["pears"] = 5 };
        foreach (var (fruit, count) in stock)
        {
            await Ops.Yield();
            Changed?.Invoke(fruit + "=" + count);
        }
        var sum = 0;
        foreach (var even in Evens(6))
        {
            sum += await Ops.Value(even);
        }
        Changed -= handler;
        Changed?.Invoke("ignored");
        log.Add(string.Join("; ", seen));
        return "sum " + sum;
    }
}

public static partial class P_NaStringsNullablesAndRanges
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        int? cached = null;
        cached ??= await Ops.Value(41);
        cached++;
        string? missing = await Ops.Value<string?>(null);
        var length = missing?.Length ?? -1;
        var letters = "abcdefgh".ToCharArray();
        var middle = new string(letters[2..^2]);
        var last = letters[^1];
        await Ops.Yield();
        var text = $"{await Ops.Value(7):D3}|{cached}|{length}|{middle}|{last}|{await Ops.Value(3.14159):F2}";
        return text;
    }
}

public static partial class P_NaMutableStructLocalAcrossAwaits
{
    private struct Counter
    {
        public int Value;
        public void Bump() => Value++;
    }

    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var counter = new Counter();
        counter.Bump();
        await Ops.Yield();
        var copy = counter;
        counter.Bump();
        await Ops.Yield();
        copy.Bump();
        copy.Bump();
        var counters = new[] { counter, copy };
        counters[0].Bump();
        await Ops.Yield();
        return $"{counter.Value} {copy.Value} {counters[0].Value}";
    }
}

public static partial class P_NaSwitchOverAwaitedCommands
{
    private enum Command { Add, Remove, Clear, Unknown }

    [PollAsync]
    private static async Future<Command> ParseCommand(string text)
    {
        await Ops.Yield();
        return Enum.TryParse<Command>(text, ignoreCase: true, out var command) ? command : Command.Unknown;
    }

    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var items = new List<string>();
        foreach (var line in new[] { "add apple", "add pear", "remove apple", "jump", "add fig", "clear", "add kiwi" })
        {
            var parts = line.Split(' ');
            switch (await ParseCommand(parts[0]))
            {
                case Command.Add:
                    items.Add(await Ops.Value(parts[1]));
                    break;
                case Command.Remove when items.Contains(parts[1]):
                    items.Remove(parts[1]);
                    log.Add("removed " + parts[1]);
                    break;
                case Command.Clear:
                    log.Add("cleared " + items.Count);
                    items.Clear();
                    break;
                default:
                    log.Add("unknown " + line);
                    continue;
            }
            await Ops.Yield();
        }
        return string.Join(",", items);
    }
}

public static partial class P_NaTwoSpawnedTasksLoggingAfterYields
{
    // Deterministic in both worlds: spawned futures take turns on the executor's one thread, and the Task world's
    // continuations take turns on its single-threaded synchronization context (on the thread pool they raced).
    [PollAsync]
    private static async Future<int> Worker(string name, List<string> log)
    {
        for (var i = 1; i <= 3; i++)
        {
            await Ops.Yield();
            log.Add(name + i);
        }
        return name.Length;
    }

    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var a = Ops.Spawn(Worker("a", log));
        var b = Ops.Spawn(Worker("bb", log));
        return "sum " + (await a + await b);
    }
}
