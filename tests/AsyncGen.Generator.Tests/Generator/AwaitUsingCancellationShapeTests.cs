using AsyncGen.Generator.Tests.Infrastructure;

namespace AsyncGen.Generator.Tests.Generator;

/// <summary>
/// The shape Dispose gets for an <c>await using</c> it may cancel: the resource goes to
/// <c>AsyncDisposal.OnCancel</c> by reference (a struct is disposed in place), never skipped, never boxed, and the
/// header says what happens. What it does at run time: the differential programs
/// (<c>28_AwaitUsingCancelled.cs</c>) and the runtime's AsyncDisposalTests.
/// </summary>
public class AwaitUsingCancellationShapeTests
{
    [Theory]
    [InlineData("await using var ms = new MemoryStream(); await Task.Yield(); ms.WriteByte(1); return 1;", "_ms")]
    [InlineData("await using (var ms = new MemoryStream()) { await Task.Yield(); } return 1;", "_ms")]
    [InlineData("await using (new MemoryStream()) { await Task.Yield(); } return 1;", "_resource")]
    [InlineData("await using var g = new Guard(); await Task.Yield(); return 1;", "_g")]
    [InlineData("for (var i = 0; i < 2; i++) { try { await using var ms = new MemoryStream(); await Task.Yield(); } finally { i += 0; } } return 1;", "_ms")]
    public void Dispose_hands_the_resource_to_AsyncDisposal_OnCancel_by_reference(string body, string field)
    {
        var source = Generate(body);
        Assert.Contains($"global::AsyncGen.AsyncDisposal.OnCancel(ref {field});", source, StringComparison.Ordinal);
        Assert.DoesNotContain("IAsyncDisposable)" + field + ").DisposeAsync(); //", source, StringComparison.Ordinal);
        Assert.Contains("starts its DisposeAsync (AsyncDisposal.OnCancel)", source, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("await using (new MemoryStream().ConfigureAwait(false)) { await Task.Yield(); } return 1;", "_resource")]
    [InlineData("var ms = new MemoryStream(); await using var c = ms.ConfigureAwait(false); await Task.Yield(); return 1;", "_c")]
    public void A_ConfigureAwait_false_resource_uses_the_DisposeAsync_pattern_on_both_paths(string body, string field)
    {
        // ConfiguredAsyncDisposable is no IAsyncDisposable: a cast to it did not compile (CS0030).
        var source = Generate(body);
        Assert.Contains($"global::AsyncGen.AsyncDisposal.OnCancel({field}, {field}.DisposeAsync());", source, StringComparison.Ordinal);
        Assert.Contains($"{field}.DisposeAsync().GetAwaiter()", source, StringComparison.Ordinal);
        Assert.DoesNotContain("global::System.IAsyncDisposable", source, StringComparison.Ordinal);
    }

    [Fact]
    public void Nested_await_usings_each_get_their_own_cancel_disposal()
    {
        var source = Generate("await using var a = new MemoryStream(); await Task.Yield(); await using var b = new MemoryStream(); await Task.Yield(); return 1;");
        Assert.Contains("global::AsyncGen.AsyncDisposal.OnCancel(ref _a);", source, StringComparison.Ordinal);
        Assert.Contains("global::AsyncGen.AsyncDisposal.OnCancel(ref _b);", source, StringComparison.Ordinal);
    }

    [Fact]
    public void An_await_foreach_enumerator_hands_over_its_started_pattern_disposal()
    {
        var source = Generate("var n = 0; await foreach (var x in Items()) { n += x; await Task.Yield(); } return n;");
        Assert.Contains("global::AsyncGen.AsyncDisposal.OnCancel(_enumerator, _enumerator.DisposeAsync());", source, StringComparison.Ordinal);
    }

    private static string Generate(string body)
    {
        var run = GeneratorHarness.Run($$"""
            using System;
            using System.Collections.Generic;
            using System.IO;
            using System.Threading.Tasks;
            using AsyncGen;

            public static partial class Snippet
            {
                public struct Guard : IAsyncDisposable
                {
                    public ValueTask DisposeAsync() => default;
                }

                private static async IAsyncEnumerable<int> Items() { await Task.Yield(); yield return 1; }

                [PollAsync]
                public static async Future<int> Work()
                {
                    {{body}}
                }
            }
            """).AssertCompiles();
        Assert.True(run.GeneratorDiagnostics.IsEmpty, string.Join("\n", run.GeneratorDiagnostics));
        return run.Source("WorkFuture");
    }
}
