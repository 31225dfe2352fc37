using AsyncGen.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace AsyncGen.Generator.Tests.Generator;

/// <summary>
/// A call that C# dispatches virtually runs the override of the object's run-time type: no machine (nor an
/// interceptor bound to one) stands for every override, so such a call keeps the method C# compiled, and AG0009 says
/// so at the call, even inside a rewritten body. Calls whose target is known statically keep their machine.
/// </summary>
public class VirtualDispatchTests
{
    private const string Source = """
        using System.Threading.Tasks;
        using AsyncGen;

        namespace App;

        public partial class Vault
        {
            protected class Secret { public int V = 7; }

            [PollAsync]
            public virtual async Future<string> Name() { await Task.Yield(); return "vault"; }

            [PollAsync]
            protected virtual async Future<string> Reveal(Secret s) { await Task.Yield(); return "vault " + s.V; }

            public Future<string> CallReveal() => Reveal(new Secret());
        }

        public partial class Bank : Vault
        {
            [PollAsync]
            public sealed override async Future<string> Name() { await Task.Yield(); return "bank"; }

            [PollAsync]
            protected override async Future<string> Reveal(Secret s) { await Task.Yield(); return "bank " + s.V; }

            public Future<string> BaseName() => base.Name();
        }

        public static partial class Use
        {
            public static Future<string> Plain(Vault vault) => vault.Name();

            public static Future<string> Sealed(Bank bank) => bank.Name();

            [PollAsync]
            public static async Future<string> InBody(Vault vault) => await vault.Name();
        }
        """;

    [Fact]
    public void Virtual_calls_are_reported_and_left_to_CSharp_while_statically_bound_calls_are_intercepted()
    {
        var run = GeneratorHarness.Run(Source).AssertCompiles();

        var reported = run.GeneratorDiagnostics.Where(d => d.Id == "AG0009").ToList();
        Assert.Equal(new[] { "Reveal(new Secret())", "vault.Name()", "vault.Name()" },
            reported.Select(d => d.Location.SourceTree!.GetText().ToString(d.Location.SourceSpan)));
        Assert.All(reported, d => Assert.Equal(DiagnosticSeverity.Warning, d.Severity));
        Assert.All(reported, d => Assert.Contains("calls it virtually", d.GetMessage(), StringComparison.Ordinal));
        Assert.All(reported, d => Assert.Contains("seal the override", d.GetMessage(), StringComparison.Ordinal));

        var interceptors = string.Join("\n", run.Sources.Where(s => s.Key.Contains("Interceptors", StringComparison.Ordinal)).Select(s => s.Value));
        Assert.DoesNotContain("RevealMachine", interceptors, StringComparison.Ordinal);
        // base.Name() runs Vault's body, bank.Name() the sealed override's: both are known statically.
        Assert.Contains("new global::AsyncGen.FutureBox<global::App.Vault.NameFuture, string>(@this.NameMachine())", interceptors, StringComparison.Ordinal);
        Assert.Contains("new global::AsyncGen.FutureBox<global::App.Bank.NameFuture, string>(@this.NameMachine())", interceptors, StringComparison.Ordinal);
        // The machine of InBody awaits the call as a future (the override of the object's type), not Vault's machine.
        Assert.DoesNotContain("NameFuture", run.Source("Use.InBody"), StringComparison.Ordinal);
    }

    [Fact]
    public void An_override_machine_compiles_without_warnings()
    {
        var run = GeneratorHarness.Run(Source).AssertCompiles();
        var generated = run.Output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Warning && d.Location.SourceTree?.FilePath.EndsWith(".g.cs", StringComparison.Ordinal) == true);
        Assert.Empty(generated);
    }

    private const string InheritedSource = """
        using System.Threading.Tasks;
        using AsyncGen;

        namespace App;

        public partial class Vault
        {
            [PollAsync]
            public virtual async Future<string> Name() { await Task.Yield(); return "vault"; }
        }

        public partial class Bank : Vault
        {
            [PollAsync]
            public override async Future<string> Name() { await Task.Yield(); return "bank"; }
        }

        public sealed partial class Branch : Bank
        {
            public Future<string> Own() => Name();
        }

        public sealed partial class Safe : Vault
        {
        }

        public partial class Teller : Bank
        {
        }

        public static partial class Use
        {
            public static Future<string> OfBranch(Branch branch) => branch.Name();

            public static Future<string> OfSafe(Safe safe) => safe.Name();

            public static Future<string> OfTeller(Teller teller) => teller.Name();
        }
        """;

    [Fact]
    public void Calls_on_a_sealed_type_that_inherits_the_method_are_intercepted_with_the_inherited_body()
    {
        var run = GeneratorHarness.Run(InheritedSource).AssertCompiles();

        // Teller is not sealed: an object of a subclass may override Name again, so that call stays virtual.
        var reported = run.GeneratorDiagnostics.Where(d => d.Id == "AG0009").ToList();
        Assert.Equal(new[] { "teller.Name()" }, reported.Select(d => d.Location.SourceTree!.GetText().ToString(d.Location.SourceSpan)));

        var interceptors = string.Join("\n", run.Sources.Where(s => s.Key.Contains("Interceptors", StringComparison.Ordinal)).Select(s => s.Value));
        // branch.Name() and the unqualified Name() inside Branch run Bank's override; safe.Name() runs Vault's method.
        Assert.Equal(2, CallsInterceptedBy(interceptors, "new global::AsyncGen.FutureBox<global::App.Bank.NameFuture, string>(@this.NameMachine())"));
        Assert.Equal(1, CallsInterceptedBy(interceptors, "new global::AsyncGen.FutureBox<global::App.Vault.NameFuture, string>(@this.NameMachine())"));
    }

    /// <summary>The [InterceptsLocation] attributes on the interceptor whose body is <paramref name="body"/> (one per call).</summary>
    private static int CallsInterceptedBy(string interceptors, string body)
    {
        var lines = interceptors.Split('\n').Select(line => line.Trim()).ToList();
        int at = lines.FindIndex(line => line.Contains(body, StringComparison.Ordinal));
        Assert.True(at >= 0, $"no interceptor runs {body}");
        int count = 0;
        for (int i = at - 2; i >= 0 && lines[i].StartsWith('['); i--) // above the declaration line: its attributes
        {
            if (lines[i].StartsWith("[global::System.Runtime.CompilerServices.InterceptsLocation(", StringComparison.Ordinal)) count++;
        }
        return count;
    }
}
