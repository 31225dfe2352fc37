using AsyncGen.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace AsyncGen.Generator.Tests.Generator;

/// <summary>
/// Calls whose signature uses a private or protected nested type (or whose method's type is private) are intercepted
/// by a member of the method's own type, the only place that can name those types; where C# cannot declare one
/// there (a generic type, a namespace the project does not list), AG0009 says exactly what to change.
/// </summary>
public class HostedInterceptorTests
{
    private const string Usings = "using System;\nusing System.Collections.Generic;\nusing System.Threading.Tasks;\nusing AsyncGen;\n\n";

    private static readonly Microsoft.CodeAnalysis.CSharp.CSharpParseOptions AppNamespaceListed =
        GeneratorHarness.WithInterceptorsNamespaces("AsyncGen.Generated;App");

    private static GeneratorRun Run(string source) =>
        GeneratorHarness.Run(GeneratorHarness.Compile(AppNamespaceListed, (Usings + source, "Demo.cs"))).AssertCompiles();

    [Fact]
    public void Private_types_in_parameters_results_and_type_arguments_are_intercepted_by_a_member_of_their_type()
    {
        var run = Run("""
            namespace App;

            public partial class Inventory
            {
                private sealed record Item(string Name, int Count);
                private enum Shelf { Top, Bottom }

                [PollAsync]
                private async Future<Item> Restock(Item item, Shelf shelf) { await Task.Yield(); return item with { Count = item.Count + (int)shelf + 1 }; }

                [PollAsync]
                private static async Future<List<Item>> All(Dictionary<Shelf, Item> items) { await Task.Yield(); return new List<Item>(items.Values); }

                public int Run() =>
                    Executor.BlockOn(Restock(new Item("nut", 1), Shelf.Bottom)).Count +
                    Executor.BlockOn(All(new Dictionary<Shelf, Item> { [Shelf.Top] = new("bolt", 2) })).Count;
            }
            """);
        Assert.Empty(run.GeneratorDiagnostics);
        var interceptors = run.Source("Interceptors");
        Assert.Contains("namespace App", interceptors, StringComparison.Ordinal);
        Assert.Contains("partial class Inventory", interceptors, StringComparison.Ordinal);
        Assert.Contains("private global::AsyncGen.Future<global::App.Inventory.Item> __RestockInterceptor1(global::App.Inventory.Item @item, global::App.Inventory.Shelf @shelf) =>", interceptors, StringComparison.Ordinal);
        Assert.Contains("new global::AsyncGen.FutureBox<global::App.Inventory.RestockFuture, global::App.Inventory.Item>(this.RestockMachine(@item, @shelf))", interceptors, StringComparison.Ordinal);
        Assert.Contains("private static global::AsyncGen.Future<global::System.Collections.Generic.List<global::App.Inventory.Item>> __AllInterceptor1(", interceptors, StringComparison.Ordinal);
        Assert.DoesNotContain("PollAsyncInterceptors", interceptors, StringComparison.Ordinal);
    }

    [Fact]
    public void Interceptor_file_shape() 
    {
        var run = Run("""
            namespace App;

            public partial class Outer
            {
                private sealed class Secret { public int Value = 41; }

                private partial struct Counter
                {
                    public int Count;

                    [PollAsync]
                    public readonly async Future<int> Peek() { await Task.Yield(); return Count; }
                }

                private partial record Job(int Id)
                {
                    [PollAsync]
                    internal static async Future<Secret> Make() { await Task.Yield(); return new Secret(); }
                }

                [PollAsync]
                public static async Future<int> Public() { await Task.Yield(); return 1; }

                public int Run()
                {
                    var counter = new Counter { Count = 1 };
                    return Executor.BlockOn(counter.Peek()) + Executor.BlockOn(Job.Make()).Value + Executor.BlockOn(Public());
                }
            }
            """);
        Assert.Empty(run.GeneratorDiagnostics);
        Snapshot.Verify(run.Source("Interceptors"), nameof(HostedInterceptorTests), nameof(Interceptor_file_shape));
    }

    [Fact]
    public void A_generic_containing_type_cannot_declare_the_interceptor_and_AG0009_says_what_to_change()
    {
        var run = Run("""
            namespace App;

            public partial class Outer
            {
                private sealed class Secret { }

                private partial class Cache<T>
                {
                    [PollAsync]
                    public async Future<Secret> Get(T key) { await Task.Yield(); return new Secret(); }
                }

                public object Run() => new Cache<int>().Get(1);
            }
            """);
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("AG0009", diagnostic.Id);
        Assert.Equal("new Cache<int>().Get(1)", diagnostic.Location.SourceTree!.GetText().ToString(diagnostic.Location.SourceSpan));
        Assert.Contains("C# accepts no interceptor in the generic type 'App.Outer.Cache<T>'", diagnostic.GetMessage(), StringComparison.Ordinal);
        Assert.Contains("declare 'Cache' and 'Secret' internal or public, or declare 'Get' in a non-generic partial type", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_namespace_the_project_does_not_list_gets_AG0009_with_the_property_to_add()
    {
        var run = Run("""
            namespace Billing.Internal;

            public partial class Invoices
            {
                private sealed record Line(int Cents);

                [PollAsync]
                private static async Future<Line> Next() { await Task.Yield(); return new Line(1); }

                public object Run() => Next();
            }
            """);
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("AG0009", diagnostic.Id);
        Assert.Contains("its signature uses 'Billing.Internal.Invoices.Line', which is private", diagnostic.GetMessage(), StringComparison.Ordinal);
        Assert.Contains("namespace 'Billing.Internal'", diagnostic.GetMessage(), StringComparison.Ordinal);
        Assert.Contains("add <InterceptorsNamespaces>$(InterceptorsNamespaces);Billing.Internal</InterceptorsNamespaces>", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_listed_namespace_covers_the_namespaces_inside_it_as_the_compiler_does()
    {
        var run = Run("""
            namespace App.Billing.Internal;

            public partial class Invoices
            {
                private sealed record Line(int Cents);

                [PollAsync]
                private static async Future<Line> Next() { await Task.Yield(); return new Line(1); }

                public object Run() => Next();
            }
            """);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Contains("namespace App.Billing.Internal", run.Source("Interceptors"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_private_containing_type_is_reached_through_a_member_of_that_type()
    {
        var run = Run("""
            namespace App;

            public partial class Outer
            {
                private partial class Hidden
                {
                    [PollAsync]
                    public async Future<int> Twice(int value) { await Task.Yield(); return value * 2; }
                }

                public object Run() => new Hidden().Twice(2);
            }
            """);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Contains("public global::AsyncGen.Future<int> __TwiceInterceptor1(int @value) =>", run.Source("Interceptors"), StringComparison.Ordinal);
    }
}
