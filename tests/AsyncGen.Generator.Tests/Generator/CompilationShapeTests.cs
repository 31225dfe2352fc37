using AsyncGen.Generator.Tests.Infrastructure;

namespace AsyncGen.Generator.Tests.Generator;

/// <summary>Shapes of user code that must produce machines that compile (or a clean fallback), never broken code.</summary>
public class CompilationShapeTests
{
    [Theory]
    [InlineData("""
        namespace Outer.Inner
        {
            using System.Text;
            public static partial class Host
            {
                public partial class Nested
                {
                    [PollAsync]
                    public static async Future<string> Build(int n)
                    {
                        var builder = new StringBuilder();
                        await Task.Yield();
                        builder.Append(n);
                        return builder.ToString();
                    }
                }
            }
        }
        """)]
    [InlineData("""
        public partial class Repository<TKey, TValue> where TKey : notnull
        {
            private readonly Dictionary<TKey, TValue> _items = new();

            [PollAsync]
            public async Future<TValue?> Find(TKey key)
            {
                await Task.Yield();
                return _items.TryGetValue(key, out var value) ? value : default;
            }

            public Future<TValue?> Call(TKey key) => Find(key);
        }
        """)]
    [InlineData("""
        public static partial class Shapes
        {
            [PollAsync]
            public static async Future<(int Count, string? Name)> Tuple(string? name)
            {
                (int Count, string? Name) result = (0, name);
                const int Step = 2;
                await Task.Yield();
                result.Count += Step;
                string? maybe = await Task.FromResult<string?>(null);
                return (result.Count, maybe ?? result.Name);
            }
        }
        """)]
    [InlineData("""
        public static partial class Shapes
        {
            [PollAsync]
            public static async Future<int> Names(int cx, int _state)
            {
                var __x = 1;
                int x = await Task.FromResult(cx);
                var _x = x + __x + _state;
                await Task.Yield();
                return _x + x;
            }
        }
        """)]
    [InlineData("""
        public static partial class Shapes
        {
            [PollAsync]
            public static async Future<int> Anonymous()
            {
                var anonymous = new { Value = 1 };
                await Task.Yield();
                return anonymous.Value;
            }
        }
        """)]
    [InlineData("""
        public static partial class Shapes
        {
            [PollAsync]
            public static async Future<int> OutVars(string text)
            {
                int.TryParse(text, out var parsed);
                await Task.Yield();
                if (int.TryParse(text + "1", out var again)) parsed += again;
                Span<int> scratch = stackalloc int[2];
                scratch[0] = parsed;
                return scratch[0];
            }
        }
        """)]
    [InlineData("""
        public static partial class Shapes
        {
            private static int Poll() => 1;
            private static void Dispose() { }

            [PollAsync]
            public static async Future<int> Collisions()
            {
                await Task.Yield();
                Dispose();
                return Poll();
            }
        }
        """)]
    [InlineData("""
        public partial struct Counter
        {
            public int Value;

            [PollAsync]
            public async Future<int> Next(Func<int, Task<int>> step)
            {
                Value = await step(Value);
                Value += await step(Value);
                return Value;
            }

            public Future<int> Call() => Next(x => Task.FromResult(x + 1));
        }
        """)]
    [InlineData("""
        public partial class Service
        {
            private int _calls;

            [PollAsync]
            private async Future<int> Helper(int x) { await Task.Yield(); _calls++; return x; }

            [PollAsync]
            public async Future<object> Run()
            {
                Func<Task<int>> later = async () => await Task.FromResult(_calls);
                var a = await Helper(1);
                var b = await Statics.Echo<int>(a);
                var c = await later();
                return a + b + c;
            }
        }

        public static partial class Statics
        {
            [PollAsync]
            public static async Future<T> Echo<T>(T value) { await Task.Yield(); return value; }
        }
        """)]
    public void Machines_compile(string code)
    {
        var source = "using System;\nusing System.Collections.Generic;\nusing System.Threading.Tasks;\nusing AsyncGen;\n\n" + code;
        var run = GeneratorHarness.Run(source, "Shapes.cs").AssertCompiles();
        Assert.NotEmpty(run.Sources);
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id == "AG0007");
    }

    /// <summary>
    /// A user's local, local function or static method named like a helper or local of the machine (the pattern store
    /// <c>Hoist</c>, <c>Finally1</c>, <c>__resume</c>) neither hides the machine's nor is hidden by it.
    /// </summary>
    [Fact]
    public void User_names_like_the_machines_helpers_are_renamed_or_qualified()
    {
        var source = """
            using System;
            using System.Threading.Tasks;
            using AsyncGen;

            public static partial class Names
            {
                private static string Hoist(object value) => "[" + value + "]";

                [PollAsync]
                public static async Future<string> Run(object o)
                {
                    Func<string, string> Hoist_ = s => s;
                    var __resume = 1;
                    if (o is int n)
                    {
                        await Task.Yield();
                        return Hoist(n) + Local(n) + Finally1() + __resume + Hoist_("");
                    }
                    try { await Task.Yield(); } finally { Finally1(); }
                    return "";

                    static string Local(int value) => Names.Hoist(value);
                    int Finally1() => 2;
                }

                [PollAsync]
                public static async Future<string> Shadowed(object o)
                {
                    Func<object, string> Hoist = value => "<" + value + ">";
                    if (o is string s)
                    {
                        await Task.Yield();
                        return Hoist(s);
                    }
                    return "";
                }
            }
            """;
        var run = GeneratorHarness.Run(source, "Names.cs").AssertCompiles();
        Assert.Empty(run.GeneratorDiagnostics);
        var machine = run.Source("RunFuture");
        Assert.Contains("Hoist(out _n, n)", machine, StringComparison.Ordinal);                // the machine's helper
        Assert.Contains("global::Names.Hoist(_n)", machine, StringComparison.Ordinal);        // the user's static method
        Assert.Contains("int Finally1_() => 2;", machine, StringComparison.Ordinal);          // the user's local function
        Assert.Contains("Hoist(out _s, s)", run.Source("ShadowedFuture"), StringComparison.Ordinal);
        Assert.Contains("_Hoist(", run.Source("ShadowedFuture"), StringComparison.Ordinal);   // the user's local, in its field
    }
}
