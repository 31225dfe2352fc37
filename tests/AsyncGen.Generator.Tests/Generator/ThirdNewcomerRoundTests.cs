using AsyncGen.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace AsyncGen.Generator.Tests.Generator;

/// <summary>
/// Programs of the third newcomer round (tests/AsyncGen.Newcomer.Tests/*RoundThreeTests.cs) that C# accepts in an
/// <c>async Task</c> and the generator got wrong: each now compiles without an error or warning of its own and without
/// a diagnostic (before: an error or a warning inside generated code, at the user's line, or AG0005 for valid code),
/// or, for a catch variable a lambda captures in a loop, its own variable for each exception caught (AG0005 at the
/// variable saying what to write only in the shape the machine cannot lower).
/// </summary>
public class ThirdNewcomerRoundTests
{
    private static GeneratorRun Clean(string body, string members = "")
    {
        var source = "#nullable enable\nusing System;\nusing System.Collections.Generic;\nusing System.Threading.Tasks;\nusing AsyncGen;\n\npublic static partial class Sample\n{\n" +
                     members + "\n    [PollAsync]\n    public static async Future<string> Work(List<string> log)\n    {\n" + body + "\n    }\n}\n";
        var run = GeneratorHarness.Run(source, "Sample.cs").AssertCompiles();
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.Output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning && d.Id != "CS1591"));
        return run;
    }

    [Fact]
    public void A_local_function_of_a_loop_called_with_an_awaited_argument_gets_the_iterations_variables()
    {
        // Before: `Record(__r1)` without the closure parameter the local function receives (CS7036 at the user's line).
        var run = Clean("""
                    var seen = new List<string>();
                    for (var round = 1; round <= 2; round++)
                    {
                        var label = "r" + round;
                        void Record(int value) => seen.Add(label + value);
                        Func<string> read = () => label;
                        Record(await Task.FromResult(round));
                        seen.Add(read());
                    }
                    return string.Join(" ", seen);
            """);
        Assert.Matches(@"Record\(_closure\d+, __r1\)", run.Source("Work"));
    }

    [Fact]
    public void A_nullable_struct_receiver_of_a_conditional_access_with_an_awaited_argument_gets_no_CS8629()
    {
        var run = Clean("""
                    DateTime? when = DateTime.UnixEpoch;
                    var day = when?.AddDays(await Task.FromResult(1.0)).Day;
                    return day.ToString() ?? "";
            """);
        Assert.Contains(".GetValueOrDefault().AddDays(__r1)", run.Source("Work"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_goto_out_of_a_try_whose_finally_awaits_runs_the_finally_blocks_first()
    {
        // Before: AG0005 ("'goto' inside a try block whose finally awaits"); break and continue already worked so.
        var run = Clean("""
                    for (var i = 0; i < 3; i++)
                    {
                        try
                        {
                            if (await Task.FromResult(i) == 1) goto done;
                        }
                        finally
                        {
                            log.Add("finally " + i);
                            await Task.Yield();
                        }
                    }
                    done:
                    return "done";
            """);
        Assert.Contains("goto done;", run.Source("Work"), StringComparison.Ordinal);
    }

    [Fact]
    public void An_await_in_the_expression_of_a_lock_runs_before_the_lock_is_taken()
    {
        // Before: AG0005 saying C# rejects it too (CS1996), which C# does only for an await in the body.
        var run = Clean("""
                    var gate = new object();
                    lock (await Task.FromResult(gate))
                    {
                        log.Add("locked");
                    }
                    return "done";
            """);
        Assert.Matches(@"lock \(__r1\)", run.Source("Work"));
    }

    [Theory]
    [InlineData("boxed is double d && d > await Task.FromResult(3.0)")]
    [InlineData("!(boxed is double d) || d > await Task.FromResult(3.0)")]
    public void A_pattern_variable_of_the_left_operand_is_definitely_assigned_on_an_awaiting_right_operand(string condition)
    {
        // Before: the left was stored in a bool and the right run under `if (stored)`: CS0165 for `d`.
        Clean($$"""
                    object boxed = 3.5;
                    var result = {{condition}};
                    return result.ToString();
            """);
    }

    [Fact]
    public void A_using_statements_variable_captured_in_a_loop_that_awaits_is_new_each_time_it_runs()
    {
        // Before: the variable lived in the method's closure, so every lambda read the last resource (a silent
        // difference from async Task: "r2 r2 r2" for "r0 r1 r2").
        var run = Clean("""
                    var readers = new List<Func<string>>();
                    for (var i = 0; i < 3; i++)
                    {
                        using (var resource = new System.IO.StringReader("r" + i))
                        {
                            readers.Add(() => resource.ReadToEnd());
                            await Task.Yield();
                        }
                    }
                    return readers.Count.ToString();
            """);
        Assert.Matches(@"_closure\d+ = new Closure\d+\(\); // this run's variables captured by lambdas", run.Source("Work"));
    }

    [Fact]
    public void A_catch_variable_captured_in_a_loop_whose_catch_awaits_is_new_for_each_exception()
    {
        // Before: AG0005 at the variable (and before that, every catch entry shared one variable in the method's
        // closure, so an earlier lambda read the last exception: "failure 1 failure 1" for "failure 0 failure 1").
        var run = Clean("""
                    var readers = new List<Func<string>>();
                    for (var i = 0; i < 2; i++)
                    {
                        try { await Task.Yield(); throw new InvalidOperationException("failure " + i); }
                        catch (InvalidOperationException e)
                        {
                            await Task.Yield();
                            readers.Add(() => e.Message);
                        }
                    }
                    return readers[0]();
            """);
        Assert.Matches(@"_closure\d+ = new Closure\d+\(\); // this exception's variable captured by lambdas", run.Source("Work"));
    }

    [Fact]
    public void A_filter_reading_a_catch_variable_captured_in_an_awaiting_loop_creates_its_closure_first()
    {
        var run = Clean("""
                    var readers = new List<Func<string>>();
                    for (var i = 0; i < 2; i++)
                    {
                        try { await Task.Yield(); throw new InvalidOperationException("failure " + i); }
                        catch (InvalidOperationException e) when (e.Message.Length > 0)
                        {
                            await Task.Yield();
                            readers.Add(() => e.Message);
                        }
                    }
                    return readers[0]();
            """);
        Assert.Matches(@"when \(Hoist\(out _closure(\d+), new Closure\1\(\)\) && Hoist\(out _closure\1\.e, __caught\) && ", run.Source("Work"));
        Assert.DoesNotContain("// this exception's variable captured by lambdas", run.Source("Work"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_catch_variable_captured_in_a_loop_and_read_by_a_finallys_local_function_in_a_catch_that_does_not_await_is_AG0005()
    {
        // The catch stays a C# catch, but the variable is kept in the machine for the finally's method: one variable
        // for every exception would be shared.
        var source = """
            using System;
            using System.Collections.Generic;
            using System.Threading.Tasks;
            using AsyncGen;

            public static partial class Sample
            {
                [PollAsync]
                public static async Future<string> Work(List<string> log)
                {
                    var readers = new List<Func<string>>();
                    for (var i = 0; i < 2; i++)
                    {
                        try { await Task.Yield(); throw new InvalidOperationException("failure " + i); }
                        catch (InvalidOperationException e)
                        {
                            void Show() => log.Add(e.Message);
                            readers.Add(() => e.Message);
                            try { log.Add("try"); } finally { Show(); }
                        }
                    }
                    return readers[0]();
                }
            }
            """;
        var run = GeneratorHarness.Run(source, "Sample.cs");
        Assert.Empty(run.Errors);
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("AG0005", diagnostic.Id);
        Assert.Equal("InvalidOperationException e", diagnostic.Location.SourceTree!.GetText().ToString(diagnostic.Location.SourceSpan).Trim('(', ')', ' '));
        Assert.Contains("var error = e;", diagnostic.GetMessage(), StringComparison.Ordinal);
    }
}
