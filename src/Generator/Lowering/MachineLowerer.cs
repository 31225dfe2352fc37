using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using AsyncGen.Generator.Model;

namespace AsyncGen.Generator.Lowering;

/// <summary>
/// Flattens the body model into the Poll method: statements that contain awaits become labels and gotos so
/// that each await's resume label sits directly in the method body or in a try block, and every such region
/// starts with a dispatch on the state to resume (C# cannot jump into a block from outside it).
/// </summary>
internal sealed class MachineLowerer
{
    private const string Running = "-1";
    private readonly MachineSpec _spec;
    private readonly Dictionary<int, AwaitSite> _awaits;
    private readonly Dictionary<int, CancelEntry> _entries;
    private readonly string _pending;
    private readonly Dictionary<int, int> _cancelling;

    private MachineLowerer(MachineSpec spec)
    {
        _spec = spec;
        _awaits = spec.Awaits.ToDictionary(a => a.State);
        _entries = spec.CancelEntries.ToDictionary(e => e.Id);
        _cancelling = CancellingStates.Of(spec);
        _pending = $"return global::AsyncGen.Poll<{spec.ResultType}>.Pending;";
    }

    public static LoweredMachine Lower(MachineSpec spec)
    {
        if (spec.Body is null)
            return new LoweredMachine(spec, EquatableArray<LoweredLine>.Empty, EquatableArray<LoweredLine>.Empty, EquatableArray<LoweredLine>.Empty, EquatableArray<LoweredFinally>.Empty);
        try
        {
            var lowerer = new MachineLowerer(spec);
            var canWait = lowerer.CleanupCanWait;
            return new LoweredMachine(spec, lowerer.LowerPoll(spec.Body),
                canWait ? lowerer.LowerDisposeThroughCancel() : lowerer.LowerDispose(),
                canWait ? lowerer.LowerCancelInPlace() : EquatableArray<LoweredLine>.Empty,
                spec.FinallyMethods.Select(f => new LoweredFinally(f.Id, lowerer.LowerFinally(f))).ToEquatableArray());
        }
        catch (System.Exception error) when (error is not System.OperationCanceledException)
        {
            // Never fail the build: a model this stage cannot handle still gets the struct over the fallback, and
            // the user gets AG0007 with the exception (the pipeline reports Failure).
            var text = error.GetType().Name + ": " + error.Message;
            return Lower(spec with { Body = null, FallbackReason = $"the generator failed while lowering it (AG0007: {text})" }) with { Failure = text };
        }
    }

    private EquatableArray<LoweredLine> LowerPoll(BlockStmt body)
    {
        var output = new LineBuilder();
        output.Add($"if ({GeneratedNames.State} < 0) throw new global::System.InvalidOperationException(\"{_spec.StructName} was polled after it completed: a future runs once, so await it once and keep its result to use it again.\");");
        output.Add($"var {GeneratedNames.Resume} = {GeneratedNames.State};");
        output.Add($"{GeneratedNames.State} = {Running}; // running: a throw leaves the machine finished");
        AddPrologue(output);
        CancellingDispatch(output);
        Dispatch(body, output);
        Region(body, output);
        output.Add(_spec.ReturnsUnit
            ? $"return global::AsyncGen.Poll<{_spec.ResultType}>.Ready(default);"
            : "throw new global::System.InvalidOperationException(\"unreachable\");");
        return output.Lines.ToEquatableArray();
    }

    /// <summary>Locals every generated method starts with, so that lambdas can capture them.</summary>
    private void AddPrologue(LineBuilder output)
    {
        if (!_spec.IsStatic && !_spec.ThisIsStruct) output.Add($"var {GeneratedNames.ThisLocal} = {GeneratedNames.ThisField};");
        if (_spec.ClosureFields.Count > 0) output.Add($"var {GeneratedNames.ClosureLocal} = {GeneratedNames.ClosureField};");
    }

    private EquatableArray<LoweredLine> LowerFinally(FinallyModel @finally)
    {
        var output = new LineBuilder();
        AddPrologue(output);
        Region(@finally.Body, output);
        return output.Lines.ToEquatableArray();
    }

    /// <summary>
    /// Dispose, unchanged from a machine without cleanup that can wait: disposes the awaited child and runs the
    /// finally blocks around it. A machine with such cleanup (a finally block Dispose enters, a child cancelled in
    /// place) gets <see cref="LowerCancelInPlace"/> for that and a Dispose that polls it (<see cref="LowerDisposeThroughCancel"/>).
    /// </summary>
    private EquatableArray<LoweredLine> LowerDispose()
    {
        var output = new LineBuilder();
        output.Add($"var {GeneratedNames.Resume} = {GeneratedNames.State};");
        output.Add($"{GeneratedNames.State} = {Running};");
        output.Add($"if ({GeneratedNames.Resume} <= 0) return; // never polled, or finished: nothing to clean up");
        if (_spec.Awaits.Count == 0) return output.Lines.ToEquatableArray();
        AddPrologue(output);
        output.Add($"switch ({GeneratedNames.Resume})");
        output.Open();
        foreach (var site in _spec.Awaits)
        {
            output.Add($"case {Number(site.State)}:");
            output.Open();
            DisposeSite(site, 0, site.EnclosingFinallies.Count, DisposeChild(site), guarded: false, output);
            output.Add("break;");
            output.Close();
        }
        output.Close();
        return output.Lines.ToEquatableArray();
    }

    /// <summary>True when the machine has cleanup that can wait: it then cancels in place (see <see cref="LowerCancelInPlace"/>).</summary>
    private bool CleanupCanWait => _cancelling.Count > 0 || _spec.Awaits.Any(site => EntryIndex(site) >= 0);

    /// <summary>
    /// <c>CancelInPlace</c>: disposes (or, if it has its own, cancels in place) the awaited child and runs the finally
    /// blocks around it; it returns true, leaving the machine in a state that Poll finishes, when the child's cleanup
    /// waits (its cancelling state) or an awaiting finally block is entered (its entry state).
    /// </summary>
    private EquatableArray<LoweredLine> LowerCancelInPlace()
    {
        var output = new LineBuilder();
        output.Add($"var {GeneratedNames.Resume} = {GeneratedNames.State};");
        output.Add($"{GeneratedNames.State} = {Running};");
        output.Add($"if ({GeneratedNames.Resume} <= 0) return false; // never polled, or finished: nothing to clean up");
        AddPrologue(output);
        output.Add($"switch ({GeneratedNames.Resume})");
        output.Open();
        foreach (var site in _spec.Awaits)
        {
            output.Add($"case {Number(site.State)}:");
            output.Open();
            var innermost = _cancelling.TryGetValue(site.State, out var cancelling)
                ? new[]
                {
                    $"if ({site.FieldName}{(site.Kind == AwaitKind.ClassFuture ? "!" : "")}.{GeneratedNames.CancelInPlace}())",
                    $"{{ {GeneratedNames.State} = {Number(cancelling)}; return true; }} // its cleanup waits: Poll finishes it, then the cleanup around it",
                }
                : DisposeChild(site);
            var entry = EntryIndex(site);
            if (entry < 0)
            {
                DisposeSite(site, 0, site.EnclosingFinallies.Count, innermost, guarded: cancelling > 0, output);
                output.Add("return false;");
            }
            else
            {
                Enter(site, entry, innermost, guarded: cancelling > 0, output);
                output.Add("return true;");
            }
            output.Close();
        }
        var resumable = _cancelling.Values.Concat(_spec.CancelEntries.Select(e => e.State)).OrderBy(s => s).ToList();
        if (resumable.Count > 0)
        {
            output.Add(string.Join(" ", resumable.Select(s => $"case {Number(s)}:")));
            output.Open();
            output.Add($"{GeneratedNames.State} = {GeneratedNames.Resume}; // cancelling already: the caller polls on");
            output.Add("return true;");
            output.Close();
        }
        output.Close();
        output.Add("return false;");
        return output.Lines.ToEquatableArray();
    }

    /// <summary>
    /// Dispose of a machine whose cleanup can wait: cancels in place and polls the cleanup at once, or, if it has to
    /// wait, moves the machine into a task of its own (<c>CancelledCleanup.Run</c>). Disposed while cancelling (its
    /// child's cleanup waits), it cuts: disposes the child, whose cleanup stops at its await (reported), and runs the
    /// cleanup around it.
    /// </summary>
    private EquatableArray<LoweredLine> LowerDisposeThroughCancel()
    {
        var output = new LineBuilder();
        if (_cancelling.Count > 0)
        {
            output.Add($"switch ({GeneratedNames.State})");
            output.Open();
            foreach (var site in _spec.Awaits.Where(a => _cancelling.ContainsKey(a.State)))
            {
                output.Add($"case {Number(_cancelling[site.State])}: // disposed while its child's cleanup waits: cut it");
                output.Open();
                output.Add($"{GeneratedNames.State} = {Running};");
                var entry = EntryIndex(site);
                if (entry < 0)
                {
                    DisposeSite(site, 0, site.EnclosingFinallies.Count, DisposeChild(site), guarded: false, output);
                    output.Add("return;");
                }
                else
                {
                    Enter(site, entry, DisposeChild(site), guarded: false, output);
                    output.Add("break;");
                }
                output.Close();
            }
            output.Close();
        }
        // The machine runs what waits from Poll: at once, or, if it has to wait, moved into a task of its own, which
        // leaves this copy finished.
        var machine = _spec.StructName + _spec.TypeArguments;
        var method = (_spec.ContainingTypes.Count > 0 ? _spec.ContainingTypes[_spec.ContainingTypes.Count - 1].Name + "." : "") + _spec.MethodName;
        output.Add($"if ({GeneratedNames.CancelInPlace}() && global::AsyncGen.CancelledCleanup.Run<{machine}, {_spec.ResultType}>(ref this, {Microsoft.CodeAnalysis.CSharp.SymbolDisplay.FormatLiteral(method, quote: true)})) {GeneratedNames.State} = {Running}; // moved: this copy is finished");
        return output.Lines.ToEquatableArray();
    }

    /// <summary>
    /// Poll's first dispatch, in a machine cancelling in place: in a cancelling state it polls the child's cleanup to
    /// its end, then runs the finally blocks around the await (an exception of the child's cleanup passes through
    /// them, as C# unwinds), and completes, or goes on into the awaiting finally block Dispose enters.
    /// </summary>
    private void CancellingDispatch(LineBuilder output)
    {
        if (_cancelling.Count == 0) return;
        output.Add($"switch ({GeneratedNames.Resume})");
        output.Open();
        foreach (var site in _spec.Awaits.Where(a => _cancelling.ContainsKey(a.State)))
        {
            var state = Number(_cancelling[site.State]);
            output.Add($"case {state}: // cancelling: the cleanup of the child awaited at line {Number(site.Line)} first, then the cleanup around it");
            output.Open();
            var innermost = new[]
            {
                $"if ({site.FieldName}{(site.Kind == AwaitKind.ClassFuture ? "!" : "")}.Poll(ref {GeneratedNames.Context}).IsPending)",
                $"{{ {GeneratedNames.State} = {state}; {_pending} }}",
                $"{site.FieldName} = default;",
            };
            var entry = EntryIndex(site);
            if (entry < 0)
            {
                DisposeSite(site, 0, site.EnclosingFinallies.Count, innermost, guarded: true, output);
                output.Add($"return global::AsyncGen.Poll<{_spec.ResultType}>.Ready(default);");
            }
            else
            {
                Enter(site, entry, innermost, guarded: true, output, resume: true);
                output.Add("break;");
            }
            output.Close();
        }
        output.Close();
    }

    /// <summary>The statement that disposes the awaited child of <paramref name="site"/>.</summary>
    private static string[] DisposeChild(AwaitSite site) => new[]
    {
        site.Kind switch
        {
            AwaitKind.StructFuture => $"{GeneratedNames.DisposeChild}(ref {site.FieldName});",
            AwaitKind.ClassFuture => $"{site.FieldName}?.Dispose();",
            _ => $"{site.FieldName} = default; // an awaiter cannot be cancelled: its completion is ignored",
        },
    };

    /// <summary>Where in <paramref name="site"/>'s enclosing finally blocks (innermost first) the first one Dispose enters is; -1: none.</summary>
    private int EntryIndex(AwaitSite site)
    {
        for (var i = 0; i < site.EnclosingFinallies.Count; i++)
            if (_entries.ContainsKey(site.EnclosingFinallies[i])) return i;
        return -1;
    }

    /// <summary>
    /// Runs <paramref name="innermost"/> (what cancels the awaited child) and the finally blocks inside the entered one
    /// (an exception they throw becomes its pending exception, as C# unwinds), then points the machine at the entered
    /// block with its cancel exit: through <c>_state</c> for Poll to run, or, with <paramref name="resume"/> (already in
    /// Poll), through the state to resume.
    /// </summary>
    private void Enter(AwaitSite site, int index, string[] innermost, bool guarded, LineBuilder output, bool resume = false)
    {
        var entry = _entries[site.EnclosingFinallies[index]];
        if (index == 0 && site.Kind == AwaitKind.Awaiter)
        {
            DisposeSite(site, 0, 0, innermost, guarded, output); // cannot throw
        }
        else
        {
            output.Add("try");
            output.Open();
            DisposeSite(site, 0, index, innermost, guarded, output);
            output.Close();
            output.Add($"catch (global::System.Exception {GeneratedNames.Caught})");
            output.Open();
            output.Add($"{entry.ExceptionField} = {GeneratedNames.Caught}; // thrown while unwinding: it replaces the cancellation, as in C#");
            output.Close();
        }
        if (_spec.CancelledAtField is { } cancelledAt) output.Add($"{cancelledAt} = {Number(site.State)}; // the catch blocks around this await let the cleanup's exceptions pass");
        output.Add($"{entry.BranchField} = {Number(entry.Branch)}; // after the block: the finally blocks around it, then complete");
        output.Add(resume
            ? $"{GeneratedNames.Resume} = {Number(entry.State)}; // on to the finally block of line {Number(entry.Line)}"
            : $"{GeneratedNames.State} = {Number(entry.State)}; // Poll runs the finally block of line {Number(entry.Line)}");
    }

    /// <summary>
    /// Runs <paramref name="innermost"/> (what disposes, cancels or polls the awaited child), then the first
    /// <paramref name="count"/> enclosing finally blocks innermost first, as C# unwinds. <paramref name="guarded"/>:
    /// <paramref name="innermost"/> may leave with the machine suspended (<c>_state</c> set), and then the blocks do
    /// not run yet.
    /// </summary>
    private static void DisposeSite(AwaitSite site, int depth, int count, string[] innermost, bool guarded, LineBuilder output)
    {
        if (depth == count)
        {
            foreach (var line in innermost) output.Add(line);
            return;
        }
        var @finally = site.EnclosingFinallies[count - 1 - depth];
        output.Add("try");
        output.Open();
        DisposeSite(site, depth + 1, count, innermost, guarded, output);
        output.Close();
        output.Add("finally");
        output.Open();
        output.Add(guarded
            ? $"if ({GeneratedNames.State} < 0) {GeneratedNames.FinallyMethod(@finally)}(); // not while the child's cleanup waits"
            : $"{GeneratedNames.FinallyMethod(@finally)}();");
        output.Close();
    }

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>The jump at the top of a region: each state resumable in it, to its label or its try.</summary>
    private void Dispatch(BlockStmt region, LineBuilder output)
    {
        var targets = new List<(int State, string Label, bool Direct)>();
        CollectTargets(region, targets);
        if (targets.Count == 0) return;
        output.Add($"switch ({GeneratedNames.Resume})");
        output.Open();
        foreach (var (state, label, direct) in targets.OrderBy(t => t.State))
            output.Add($"case {Number(state)}: {(direct ? $"{GeneratedNames.Resume} = {Running}; " : "")}goto {label};");
        output.Close();
    }

    private void CollectTargets(Stmt statement, List<(int, string, bool)> targets)
    {
        switch (statement)
        {
            case AwaitStmt await:
                targets.Add((await.State, GeneratedNames.StateLabel(await.State), true));
                break;
            case BlockStmt block:
                foreach (var inner in block.Statements) CollectTargets(inner, targets);
                break;
            case IfStmt @if:
                CollectTargets(@if.Then, targets);
                if (@if.Else is not null) CollectTargets(@if.Else, targets);
                break;
            case LoopStmt loop:
                CollectTargets(loop.Body, targets);
                CollectTargets(loop.Increment, targets);
                break;
            case SwitchStmt @switch:
                foreach (var section in @switch.Sections)
                {
                    foreach (var label in section.Labels)
                        if (label.Test is not null) CollectTargets(label.Test.Guard, targets);
                    CollectTargets(section.Body, targets);
                }
                break;
            case TryStmt @try:
                foreach (var state in StatesIn(@try.Body)) targets.Add((state, GeneratedNames.TryLabel(@try.Id), false));
                if (@try.CancelEntryId is { } entry) targets.Add((_entries[entry].State, GeneratedNames.TryFinallyLabel(@try.Id), true));
                foreach (var @catch in @try.Catches.Where(c => c.HasAwait)) CollectTargets(@catch.Body, targets);
                if (@try.Finally is { HasAwait: true } @finally) CollectTargets(@finally.Body, targets);
                break;
        }
    }

    /// <summary>The states resumable inside <paramref name="statement"/>: its awaits' and its entered finally blocks'.</summary>
    private IEnumerable<int> StatesIn(Stmt statement) => statement switch
    {
        AwaitStmt await => new[] { await.State },
        BlockStmt block => block.Statements.SelectMany(StatesIn),
        IfStmt @if => StatesIn(@if.Then).Concat(@if.Else is null ? Enumerable.Empty<int>() : StatesIn(@if.Else)),
        LoopStmt loop => StatesIn(loop.Body).Concat(StatesIn(loop.Increment)),
        SwitchStmt @switch => @switch.Sections.SelectMany(s => s.Labels.Where(l => l.Test is not null).SelectMany(l => StatesIn(l.Test!.Guard)).Concat(StatesIn(s.Body))),
        TryStmt @try => StatesIn(@try.Body)
            .Concat(@try.Catches.SelectMany(c => StatesIn(c.Body)))
            .Concat(@try.Finally is null ? Enumerable.Empty<int>() : StatesIn(@try.Finally.Body))
            .Concat(@try.CancelEntryId is { } entry ? new[] { _entries[entry].State } : Enumerable.Empty<int>()),
        _ => Enumerable.Empty<int>(),
    };

    private void Region(Stmt statement, LineBuilder output)
    {
        switch (statement)
        {
            case CodeStmt code:
                output.Add(code.Text, code.Line);
                break;
            case BlockStmt block:
                foreach (var inner in block.Statements) Region(inner, output);
                break;
            case LabelStmt label:
                output.Label(label.Name);
                break;
            case AwaitStmt await:
                Await(_awaits[await.State], output);
                break;
            case IfStmt @if:
                If(@if, output);
                break;
            case LoopStmt loop:
                Loop(loop, output);
                break;
            case SwitchStmt @switch:
                Switch(@switch, output);
                break;
            case TryStmt @try:
                Try(@try, output);
                break;
        }
    }

    private void Await(AwaitSite site, LineBuilder output)
    {
        var state = Number(site.State);
        var result = site.ResultType is null ? null : GeneratedNames.AwaitResult(site.State);
        output.Add($"{site.FieldName} = {site.Start};", site.Line);
        if (site.Kind == AwaitKind.Awaiter)
        {
            output.Add($"if ({site.FieldName}.IsCompleted) goto {GeneratedNames.ReadyLabel(site.State)};");
            output.Add(site.FieldType == GeneratedNames.DynamicType
                ? $"{{ var {GeneratedNames.DynamicAwaiter} = (global::System.Runtime.CompilerServices.INotifyCompletion){site.FieldName}; " +
                  $"({GeneratedNames.Relay} ??= new global::AsyncGen.AwaiterWakeRelay()).Register(ref {GeneratedNames.DynamicAwaiter}, {GeneratedNames.Context}.Waker); }}"
                : $"({GeneratedNames.Relay} ??= new global::AsyncGen.AwaiterWakeRelay()).Register(ref {site.FieldName}, {GeneratedNames.Context}.Waker);");
            output.Add($"{GeneratedNames.State} = {state};");
            output.Add(_pending);
            output.Label(GeneratedNames.StateLabel(site.State));
            output.Add($"{GeneratedNames.Relay}!.Update({GeneratedNames.Context}.Waker); // only the latest waker may be woken");
            // The continuation having run is the signal (Task.Yield's awaiter never reports IsCompleted).
            output.Add($"if (!{GeneratedNames.Relay}.HasFired)");
            output.Open();
            output.Add($"{GeneratedNames.State} = {state};");
            output.Add(_pending);
            output.Close();
            output.Label(GeneratedNames.ReadyLabel(site.State));
            output.Add(result is null ? $"{site.FieldName}.GetResult();" : $"var {result} = {site.FieldName}.GetResult();", site.Line);
            output.Add($"{site.FieldName} = default;");
            return;
        }

        output.Label(GeneratedNames.StateLabel(site.State));
        var poll = $"{site.FieldName}{(site.Kind == AwaitKind.ClassFuture ? "!" : "")}.Poll(ref {GeneratedNames.Context})";
        var polled = GeneratedNames.PollResult(site.State);
        output.Add($"var {polled} = {poll};", site.Line);
        output.Add($"if ({polled}.IsPending)");
        output.Open();
        output.Add($"{GeneratedNames.State} = {state};");
        output.Add(_pending);
        output.Close();
        output.Add($"{site.FieldName} = default;");
        // A machine's result of type dynamic is implemented as object: the declared type keeps C#'s dynamic binding.
        if (result is not null) output.Add($"{(site.ResultType!.Contains("dynamic") ? site.ResultType : "var")} {result} = {polled}.Value;");
    }

    private int _nextIf = 1;

    private void If(IfStmt @if, LineBuilder output)
    {
        var number = _nextIf++;
        var end = GeneratedNames.IfEndLabel(number);
        var skipTo = @if.Else is null ? end : GeneratedNames.IfElseLabel(number);
        output.Add($"if (!({@if.Condition})) goto {skipTo};", @if.Line);
        Region(@if.Then, output);
        if (@if.Else is not null)
        {
            output.Add($"goto {end};");
            output.Label(GeneratedNames.IfElseLabel(number));
            Region(@if.Else, output);
        }
        output.Label(end);
    }

    private void Loop(LoopStmt loop, LineBuilder output)
    {
        output.Label(loop.TopLabel);
        if (!loop.TestAtEnd && loop.Condition is not null)
            output.Add($"if (!({loop.Condition})) goto {loop.BreakLabel};", loop.Line);
        Region(loop.Body, output);
        output.Label(loop.ContinueLabel);
        Region(loop.Increment, output);
        output.Add(loop.TestAtEnd ? $"if ({loop.Condition}) goto {loop.TopLabel};" : $"goto {loop.TopLabel};", loop.TestAtEnd ? loop.Line : 0);
        output.Label(loop.BreakLabel);
    }

    /// <summary>
    /// The labels jump to the sections, which follow as labels of their own. A C# switch tests the labels it can;
    /// a label whose <c>when</c> clause awaits is tested here, in source order between the C# switches that test the
    /// labels before and after it: its pattern, then its guard (which may suspend), then the jump. So the labels
    /// match in C#'s order, and <c>default</c> comes last wherever it is written.
    /// </summary>
    private void Switch(SwitchStmt @switch, LineBuilder output)
    {
        var labels = @switch.Sections.SelectMany((section, i) => section.Labels.Select(label => (Label: label, Section: i + 1))).ToList();
        var testedApart = labels.Any(l => l.Label.Test is not null);
        var pending = new List<(SwitchLabelModel Label, int Section)>();
        int? defaultSection = null;
        for (var i = 0; i < labels.Count; i++)
        {
            var (label, section) = labels[i];
            if (label.Test is null)
            {
                // Alone, the C# switch keeps default where it is written; around awaiting guards it comes last.
                if (testedApart && label.Text.StartsWith("default", System.StringComparison.Ordinal)) defaultSection = section;
                else pending.Add(labels[i]);
                continue;
            }
            CaseSwitch(@switch, pending, output);
            var failed = GeneratedNames.SwitchLabelFailedLabel(@switch.BreakLabel, i + 1);
            var target = GeneratedNames.SwitchCaseLabel(@switch.BreakLabel, section);
            if (label.Test.Condition is null)
            {
                output.Add($"if ({label.Text}) goto {target};", label.Line);
                continue;
            }
            output.Add($"if (!({label.Text})) goto {failed};", label.Line);
            Region(label.Test.Guard, output);
            output.Add($"if ({label.Test.Condition}) goto {target};", label.Line);
            output.Label(failed);
        }
        CaseSwitch(@switch, pending, output);
        var hasDefault = labels.Any(l => l.Label.Test is null && l.Label.Text.StartsWith("default", System.StringComparison.Ordinal));
        if (defaultSection is { } fallback) output.Add($"goto {GeneratedNames.SwitchCaseLabel(@switch.BreakLabel, fallback)};");
        else if (!hasDefault) output.Add($"goto {@switch.BreakLabel};");
        for (var i = 0; i < @switch.Sections.Count; i++)
        {
            output.Label(GeneratedNames.SwitchCaseLabel(@switch.BreakLabel, i + 1));
            Region(@switch.Sections[i].Body, output);
        }
        output.Label(@switch.BreakLabel);
    }

    /// <summary>A C# switch over the <paramref name="labels"/> (consecutive, in source order) that jumps to their sections; then none are pending.</summary>
    private static void CaseSwitch(SwitchStmt @switch, List<(SwitchLabelModel Label, int Section)> labels, LineBuilder output)
    {
        if (labels.Count == 0) return;
        output.Add($"switch ({@switch.Expression})", @switch.Line);
        output.Open();
        for (var i = 0; i < labels.Count; i++)
        {
            output.Add(labels[i].Label.Text);
            if (i + 1 == labels.Count || labels[i + 1].Section != labels[i].Section)
                output.Add($"    goto {GeneratedNames.SwitchCaseLabel(@switch.BreakLabel, labels[i].Section)};");
        }
        output.Close();
        labels.Clear();
    }

    /// <summary>
    /// For the catch clauses of a try whose body holds a finally block Dispose enters: the condition that lets an
    /// exception pass while Dispose unwinds from an await of that body (null when none is needed). The body's await
    /// states are numbered in source order, so they usually form one range.
    /// </summary>
    private string? PassCancelled(TryStmt @try)
    {
        if (_spec.CancelledAtField is not { } field || @try.Catches.Count == 0) return null;
        var entries = new HashSet<int>(_spec.CancelEntries.Select(e => e.State));
        var all = StatesIn(@try.Body).ToList();
        if (!all.Any(entries.Contains)) return null;
        // Only the awaits whose Dispose enters a finally block record themselves (Enter); one inside such a block is cut.
        var entering = new HashSet<int>(_spec.Awaits.Where(a => EntryIndex(a) >= 0).Select(a => a.State));
        var states = all.Where(entering.Contains).OrderBy(s => s).ToList();
        if (states.Count == 0) return null;
        if (states[states.Count - 1] - states[0] == states.Count - 1)
            return states.Count == 1
                ? $"{field} != {Number(states[0])}"
                : $"{field} is not (>= {Number(states[0])} and <= {Number(states[states.Count - 1])})";
        return $"{field} is not ({string.Join(" or ", states.Select(Number))})";
    }

    private void Try(TryStmt @try, LineBuilder output)
    {
        var awaitingFinally = @try.Finally is { HasAwait: true };
        if (awaitingFinally)
        {
            output.Add($"{@try.ExceptionField} = null;");
            if (@try.BranchField is not null) output.Add($"{@try.BranchField} = 0;");
        }
        if (@try.CatchIndexField is not null) output.Add($"{@try.CatchIndexField} = 0;");
        output.Label(GeneratedNames.TryLabel(@try.Id));
        output.Add("try", @try.Line);
        output.Open();
        Dispatch(@try.Body, output);
        Region(@try.Body, output);
        output.Close();

        var awaitingCatches = 0;
        var passCancelled = PassCancelled(@try);
        foreach (var @catch in @try.Catches)
        {
            var filter = passCancelled is null ? @catch.Filter : @catch.Filter is null ? passCancelled : $"{passCancelled} && ({@catch.Filter})";
            output.Add(("catch " + @catch.Declaration).TrimEnd() + (filter is null ? "" : $" when ({filter})"), @catch.Line);
            if (!@catch.HasAwait)
            {
                Region(@catch.Body, output);
                continue;
            }
            awaitingCatches++;
            output.Open();
            output.Add($"{@try.ExceptionField} = {@catch.CaughtVariable}; // its block awaits, so it runs after the try");
            output.Add($"{@try.CatchIndexField} = {Number(awaitingCatches)};");
            output.Close();
        }
        if (awaitingFinally)
        {
            output.Add($"catch (global::System.Exception {GeneratedNames.Caught})");
            output.Open();
            output.Add($"{@try.ExceptionField} = {GeneratedNames.Caught}; // the finally awaits, so it runs after the try and rethrows");
            output.Close();
        }
        else if (@try.Finally is { } @finally)
        {
            output.Add("finally");
            output.Open();
            output.Add($"if ({GeneratedNames.State} < 0) {GeneratedNames.FinallyMethod(@finally.Id)}(); // not when suspending: the block is still running");
            output.Close();
        }

        var index = 0;
        foreach (var @catch in @try.Catches.Where(c => c.HasAwait))
        {
            index++;
            var end = GeneratedNames.TryCatchEndLabel(@try.Id, index);
            output.Add($"if ({@try.CatchIndexField} != {Number(index)}) goto {end};");
            output.Add($"{@try.CatchIndexField} = 0;");
            Region(@catch.Body, output);
            output.Add($"{@try.ExceptionField} = null;");
            output.Label(end);
        }
        if (awaitingFinally)
        {
            output.Label(GeneratedNames.TryFinallyLabel(@try.Id));
            Region(@try.Finally!.Body, output);
            var pending = GeneratedNames.PendingException(@try.Id);
            output.Add($"if ({@try.ExceptionField} is {{ }} {pending})");
            output.Open();
            output.Add($"{@try.ExceptionField} = null;");
            output.Add($"global::System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture({pending}).Throw();");
            output.Close();
            if (@try.PendingExits.Count > 0)
            {
                output.Add(@try.CancelEntryId is null
                    ? $"switch ({@try.BranchField}) // a jump out of the try waited for the finally block"
                    : $"switch ({@try.BranchField}) // a jump out of the try, or Dispose, waited for the finally block");
                output.Open();
                for (var i = 0; i < @try.PendingExits.Count; i++) output.Add($"case {Number(i + 1)}: {@try.PendingExits[i]}");
                output.Close();
            }
        }
    }
}
