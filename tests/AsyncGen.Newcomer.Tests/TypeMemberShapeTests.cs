namespace AsyncGen.Newcomer.Tests;

/// <summary>
/// [PollAsync] members in the places a newcomer puts them: derived classes calling <c>base</c> across awaits,
/// explicit interface implementations, partial classes and partial methods, primary constructors, records and
/// record structs, each beside the same code as <c>async Task</c>.
/// </summary>
public partial class TypeMemberShapeTests
{
    [PollAsync]
    internal static async Future<T> Later<T>(List<string> log, T value)
    {
        log.Add($"later {value}");
        await Future.Yield();
        return value;
    }

    internal static async Task<T> LaterTask<T>(List<string> log, T value)
    {
        log.Add($"later {value}");
        await Task.Yield();
        return value;
    }

    public partial class Repository
    {
        protected readonly List<string> Log;
        public Repository(List<string> log) => Log = log;
        public virtual string Describe(string key) => $"repo {key}";
        public virtual int Limit => 10;

        /// <summary>Virtual, returning the non-virtual [PollAsync] method's future, as AG0112 tells.</summary>
        public virtual Future<string> Load(string key) => LoadCore(key);

        [PollAsync]
        private async Future<string> LoadCore(string key)
        {
            var found = await Later(Log, $"{key}@base");
            return $"{found}/{Limit}";
        }

        public virtual async Task<string> LoadTask(string key)
        {
            var found = await LaterTask(Log, $"{key}@base");
            return $"{found}/{Limit}";
        }
    }

    /// <summary>
    /// An override awaiting its base implementation, written with 'base.' as in an async Task: the machine is a nested
    /// struct, so the generator reaches each base member through a private helper of the partial class.
    /// </summary>
    public sealed partial class CachedRepository : Repository
    {
        private readonly Dictionary<string, string> _cache = new();
        public CachedRepository(List<string> log) : base(log) { }
        public override string Describe(string key) => $"cached {base.Describe(key)}";
        public override int Limit => base.Limit * 2;

        public override Future<string> Load(string key) => LoadCached(key);

        [PollAsync]
        private async Future<string> LoadCached(string key)
        {
            if (_cache.TryGetValue(key, out var hit)) return "hit " + hit;
            var before = base.Describe(key);
            await Future.Yield();
            var loaded = await base.Load(key);
            var after = base.Describe(await Later(Log, key));
            _cache[key] = loaded;
            return $"{before} {loaded} {after} {base.Limit}/{Limit}";
        }

        public async Task<string> LoadTaskOwn(string key)
        {
            if (_cache.TryGetValue(key, out var hit)) return "hit " + hit;
            var before = base.Describe(key);
            await Task.Yield();
            var loaded = await base.LoadTask(key);
            var after = base.Describe(await LaterTask(Log, key));
            _cache[key] = loaded;
            return $"{before} {loaded} {after} {base.Limit}/{Limit}";
        }
    }

    [Fact]
    public async Task An_override_awaiting_its_base_implementation_matches_async_Task()
    {
        var (futureLog, taskLog) = (new List<string>(), new List<string>());
        var future = new CachedRepository(futureLog);
        var task = new CachedRepository(taskLog);
        Assert.Equal(await task.LoadTaskOwn("k"), Executor.BlockOn(future.Load("k")));
        Assert.Equal(await task.LoadTaskOwn("k"), Executor.BlockOn(future.Load("k")));
        Repository asBase = future;
        Assert.Equal(await task.LoadTaskOwn("j"), Executor.BlockOn(asBase.Load("j")));
        Assert.Equal(taskLog, futureLog);
    }

    public class Logger
    {
        private readonly List<string> _lines = new();
        public virtual int Level { get; set; } = 1;
        public virtual string this[int index] => _lines[index];
        public virtual void Write(string line, int indent = 0) => _lines.Add(new string(' ', indent) + line);
        public virtual T Tagged<T>(T value, string tag) => value;
        public int Count => _lines.Count;
    }

    /// <summary>A derived logger flushing in a loop across awaits through base members: method with a default, generic method, property, indexer.</summary>
    public sealed partial class BufferedLogger : Logger
    {
        public override int Level { get => 0; set { } }
        public override string this[int index] => "hidden";
        public override void Write(string line, int indent = 0) { }
        public override T Tagged<T>(T value, string tag) => default!;

        [PollAsync]
        public async Future<string> Flush(List<string> log, string[] pending)
        {
            foreach (var line in pending)
            {
                base.Write(await Later(log, line));
                base.Level += await Later(log, 1);
                base.Write(base.Tagged(line.Length, "len").ToString(), indent: 2);
            }
            var last = base[base.Count - 1];
            await Future.Yield();
            return $"{base.Count} lines, level {base.Level}, last '{last}', first '{base[0]}'";
        }

        public async Task<string> FlushTask(List<string> log, string[] pending)
        {
            foreach (var line in pending)
            {
                base.Write(await LaterTask(log, line));
                base.Level += await LaterTask(log, 1);
                base.Write(base.Tagged(line.Length, "len").ToString(), indent: 2);
            }
            var last = base[base.Count - 1];
            await Task.Yield();
            return $"{base.Count} lines, level {base.Level}, last '{last}', first '{base[0]}'";
        }
    }

    [Fact]
    public async Task A_derived_class_calling_base_members_across_awaits_matches_async_Task()
    {
        var (futureLog, taskLog) = (new List<string>(), new List<string>());
        string[] pending = ["start", "middle", "end"];
        var expected = await new BufferedLogger().FlushTask(taskLog, pending);
        Assert.Equal(expected, Executor.BlockOn(new BufferedLogger().Flush(futureLog, pending)));
        Assert.Equal(taskLog, futureLog);
        Assert.Equal("6 lines, level 4, last '  3', first 'start'", expected);
    }

    public interface IGreeter
    {
        Future<string> Greet(string name);
        string Prefix { get; }
    }

    public sealed partial class PoliteGreeter : IGreeter
    {
        private int _count;
        string IGreeter.Prefix => "Dear";

        // [PollAsync] on the explicit implementation itself is AG0005 (calls through the interface cannot be
        // intercepted): it returns the future of a [PollAsync] method of the class instead.
        Future<string> IGreeter.Greet(string name) => GreetCore(name);

        [PollAsync]
        private async Future<string> GreetCore(string name)
        {
            _count++;
            var prefix = ((IGreeter)this).Prefix;
            await Future.Yield();
            return $"{prefix} {name} #{_count}";
        }

        public async Task<string> GreetTask(string name)
        {
            _count++;
            var prefix = ((IGreeter)this).Prefix;
            await Task.Yield();
            return $"{prefix} {name} #{_count}";
        }
    }

    [Fact]
    public async Task An_explicit_interface_implementation_matches_async_Task()
    {
        IGreeter greeter = new PoliteGreeter();
        var twin = new PoliteGreeter();
        Assert.Equal(await twin.GreetTask("Ada"), Executor.BlockOn(greeter.Greet("Ada")));
        Assert.Equal(await twin.GreetTask("Bob"), Executor.BlockOn(greeter.Greet("Bob")));
    }

    /// <summary>A rate limiter whose primary constructor's parameters are read and changed by its [PollAsync] member.</summary>
    public sealed partial class Limiter(List<string> log, int budget)
    {
        public int Budget => budget;

        [PollAsync]
        public async Future<bool> TryTake(int cost)
        {
            var before = budget;
            var allowed = await Later(log, cost) <= budget;
            if (allowed) budget -= cost;
            await Future.Yield();
            log.Add($"{before}->{budget}");
            return allowed;
        }

        public async Task<bool> TryTakeTask(int cost)
        {
            var before = budget;
            var allowed = await LaterTask(log, cost) <= budget;
            if (allowed) budget -= cost;
            await Task.Yield();
            log.Add($"{before}->{budget}");
            return allowed;
        }
    }

    public readonly partial struct Meter(string unit, double scale)
    {
        [PollAsync]
        public async Future<string> Read(List<string> log, double raw)
        {
            var value = await Later(log, raw) * scale;
            await Future.Yield();
            return $"{value}{unit}";
        }

        public async Task<string> ReadTask(List<string> log, double raw)
        {
            var value = await LaterTask(log, raw) * scale;
            await Task.Yield();
            return $"{value}{unit}";
        }
    }

    [Fact]
    public async Task Primary_constructor_parameters_read_and_changed_across_awaits_match_async_Task()
    {
        var (futureLog, taskLog) = (new List<string>(), new List<string>());
        var future = new Limiter(futureLog, 10);
        var task = new Limiter(taskLog, 10);
        foreach (var cost in new[] { 4, 7, 6 })
        {
            Assert.Equal(await task.TryTakeTask(cost), Executor.BlockOn(future.TryTake(cost)));
        }
        Assert.Equal(task.Budget, future.Budget);
        var meter = new Meter("km", 1.5);
        Assert.Equal(await meter.ReadTask(taskLog, 2), Executor.BlockOn(meter.Read(futureLog, 2)));
        Assert.Equal(taskLog, futureLog);
    }

    [Fact]
    public async Task Partial_method_implemented_as_a_PollAsync_member_matches_async_Task()
    {
        var (futureLog, taskLog) = (new List<string>(), new List<string>());
        var future = new Importer(futureLog);
        var task = new Importer(taskLog);
        Assert.Equal(await task.ImportTask(["a", "bb", "ccc"]), Executor.BlockOn(future.Import(["a", "bb", "ccc"])));
        Assert.Equal(taskLog, futureLog);
    }

    public sealed record Profile(string Name, int Level)
    {
        public IReadOnlyList<string> Badges { get; init; } = [];
    }

    public record struct Position(int X, int Y)
    {
        public int Moves { get; set; }
        public void Step(int dx) { X += dx; Moves++; }
    }

    [PollAsync]
    private static async Future<string> RecordUpdates(List<string> log)
    {
        var profile = new Profile("ada", 1);
        var history = new List<Profile> { profile };
        for (var i = 0; i < 3; i++)
        {
            profile = profile with { Level = profile.Level + await Later(log, i), Badges = [.. profile.Badges, $"b{i}"] };
            history.Add(profile);
        }
        var position = new Position(0, 0);
        position.Step(await Later(log, 2));
        var moved = position with { Y = await Later(log, 5) };
        position.Step(1);
        moved.Moves += await Later(log, 10);
        var same = history[0] == new Profile("ada", 1) { Badges = history[0].Badges };
        return $"{profile.Level} {string.Join(",", profile.Badges)} {history.Count} {position} {moved} {same}";
    }

    private static async Task<string> RecordUpdatesTask(List<string> log)
    {
        var profile = new Profile("ada", 1);
        var history = new List<Profile> { profile };
        for (var i = 0; i < 3; i++)
        {
            profile = profile with { Level = profile.Level + await LaterTask(log, i), Badges = [.. profile.Badges, $"b{i}"] };
            history.Add(profile);
        }
        var position = new Position(0, 0);
        position.Step(await LaterTask(log, 2));
        var moved = position with { Y = await LaterTask(log, 5) };
        position.Step(1);
        moved.Moves += await LaterTask(log, 10);
        var same = history[0] == new Profile("ada", 1) { Badges = history[0].Badges };
        return $"{profile.Level} {string.Join(",", profile.Badges)} {history.Count} {position} {moved} {same}";
    }

    [Fact]
    public async Task Records_and_mutable_record_structs_updated_in_a_loop_across_awaits_match_async_Task()
    {
        var (futureLog, taskLog) = (new List<string>(), new List<string>());
        Assert.Equal(await RecordUpdatesTask(taskLog), Executor.BlockOn(RecordUpdates(futureLog)));
        Assert.Equal(taskLog, futureLog);
    }

    /// <summary>A [PollAsync] member of a record whose <c>with</c> copies <c>this</c>.</summary>
    public sealed partial record Cart(string Owner, int Items)
    {
        [PollAsync]
        public async Future<Cart> AddLater(List<string> log, int count)
        {
            var next = this with { Items = Items + await Later(log, count) };
            await Future.Yield();
            return next with { Owner = Owner.ToUpperInvariant() };
        }

        public async Task<Cart> AddLaterTask(List<string> log, int count)
        {
            var next = this with { Items = Items + await LaterTask(log, count) };
            await Task.Yield();
            return next with { Owner = Owner.ToUpperInvariant() };
        }
    }

    public partial record struct Score(string Player, int Points)
    {
        [PollAsync]
        public readonly async Future<Score> Doubled(List<string> log)
        {
            var bonus = await Later(log, Points);
            return this with { Points = Points + bonus };
        }

        public readonly async Task<Score> DoubledTask(List<string> log)
        {
            var bonus = await LaterTask(log, Points);
            return this with { Points = Points + bonus };
        }
    }

    [Fact]
    public async Task PollAsync_members_of_records_and_record_structs_copying_this_match_async_Task()
    {
        var (futureLog, taskLog) = (new List<string>(), new List<string>());
        var cart = new Cart("ann", 1);
        Assert.Equal(await cart.AddLaterTask(taskLog, 2), Executor.BlockOn(cart.AddLater(futureLog, 2)));
        var score = new Score("bo", 21);
        Assert.Equal(await score.DoubledTask(taskLog), Executor.BlockOn(score.Doubled(futureLog)));
        Assert.Equal(taskLog, futureLog);
    }
}

/// <summary>The declaring half of a partial class whose implementing half holds the [PollAsync] body.</summary>
public sealed partial class Importer
{
    private readonly List<string> _log;
    public Importer(List<string> log) => _log = log;
    public partial Future<int> Import(string[] lines);
    partial void OnLine(string line);
}

public sealed partial class Importer
{
    partial void OnLine(string line) => _log.Add($"line {line}");

    [PollAsync]
    public partial async Future<int> Import(string[] lines)
    {
        var total = 0;
        foreach (var line in lines)
        {
            OnLine(line);
            total += await TypeMemberShapeTests.Later(_log, line.Length);
        }
        return total;
    }

    public async Task<int> ImportTask(string[] lines)
    {
        var total = 0;
        foreach (var line in lines)
        {
            OnLine(line);
            total += await TypeMemberShapeTests.LaterTask(_log, line.Length);
        }
        return total;
    }
}
