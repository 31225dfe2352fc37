using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using AsyncGen.Generator.Model;
using AsyncGen.Generator.Parsing;

namespace AsyncGen.Generator.Rewriting;

// try/catch/finally and using. A C# handler cannot contain the resume label of an await, so catch and finally
// blocks that await become code after the try that runs on a recorded exception (Roslyn's AsyncExceptionHandlerRewriter
// does the same). Finally blocks without awaits become methods, called both by the C# finally and by Dispose.
internal sealed partial class BodyBuilder
{
    private void BuildTry(TryStatementSyntax @try, List<Stmt> output)
    {
        if (@try.Finally is not { } @finally)
        {
            output.Add(BuildTryCatch(@try));
            return;
        }

        // With awaits in a handler, the catches run outside the C# try, so they get a try of their own inside
        // the one that owns the finally (the finally must still run after them).
        var nest = @try.Catches.Count > 0 && (ContainsAwait(@finally.Block) || @try.Catches.Any(c => ContainsAwait(c.Block)));
        var catches = nest ? new List<CatchModel>() : BuildCatches(@try, out _, out _);
        output.Add(BuildTryFinally(@try, @finally.Block, body =>
        {
            if (nest) body.Add(BuildTryCatch(@try));
            else BuildBlock(@try.Block, body);
        }, catches));
    }

    private TryStmt BuildTryCatch(TryStatementSyntax @try)
    {
        var id = _nextTry++;
        var body = new List<Stmt>();
        var (entriesBefore, awaitsBefore) = (CancelEntries.Count, Awaits.Count);
        BuildBlock(@try.Block, body);
        var catches = BuildCatches(@try, out var exceptionField, out var indexField);
        GuardCatches(entriesBefore, awaitsBefore, catches);
        return new TryStmt(id, BodySyntax.Line(@try), Block(body), catches.ToEquatableArray(), null, exceptionField, indexField);
    }

    /// <summary>The try body is built by <paramref name="buildBody"/> while the finally is known to enclose it.</summary>
    private TryStmt BuildTryFinally(SyntaxNode origin, BlockSyntax @finally, System.Action<List<Stmt>> buildBody, List<CatchModel> catches) =>
        BuildTryFinally(origin, origin, origin.SpanStart, @finally, ContainsAwait(@finally), buildBody,
            output => BuildBlock(@finally, output), catches);

    // disposeWhenCancelled: for a finally that awaits only a DisposeAsync (`await using`, `await foreach`), what Dispose runs in its
    // place while the machine is suspended in the try, since Dispose cannot await (see StartDisposeAsync). Any other finally
    // that awaits (a user's) is entered by Dispose (a CancelEntry): its block runs from Poll with a pending exit that leaves
    // through the awaiting finally blocks around it and completes (JumpTable.CancelBranch), inline or detached
    // (CancelledCleanup.Run). Suspended inside that block itself, Dispose cuts it there, as an OperationCanceledException
    // thrown by that await would: the skipped rest is reported (CancelledCleanup.OnFinallySkipped: a counter and an event).
    private TryStmt BuildTryFinally(
        SyntaxNode origin, SyntaxNode scope, int start, BlockSyntax? finallySyntax, bool awaits,
        System.Action<List<Stmt>> buildBody, System.Action<List<Stmt>> buildFinally, List<CatchModel> catches,
        string? disposeWhenCancelled = null)
    {
        var id = _nextTry++;
        var entered = awaits && disposeWhenCancelled is null;
        var cancelId = awaits && disposeWhenCancelled is not null ? _nextTry++ : (int?)null;
        var entryId = entered ? _nextTry++ : (int?)null;
        var skipId = entered ? _nextTry++ : (int?)null;
        PendingFinally? pending = null;
        if (awaits)
        {
            pending = new PendingFinally(id, scope, start, finallySyntax,
                () => NewField($"branch{id}", "int", "where to go after the awaiting finally (0: fall through)"));
            if (skipId is { } skip) pending.ReportSkippedRest = $"{GeneratedNames.FinallyMethod(skip)}();";
            _jumps.AwaitingFinally(pending);
        }
        var body = new List<Stmt>();
        _finallyStack.Insert(0, cancelId ?? entryId ?? id); // what Dispose runs (or enters) for this finally while suspended in the body
        var (entriesBefore, awaitsBefore) = (CancelEntries.Count, Awaits.Count);
        buildBody(body);
        GuardCatches(entriesBefore, awaitsBefore, catches);
        _finallyStack.RemoveAt(0);
        if (cancelId is { } cancel) FinallyMethods.Add(new FinallyModel(cancel, Block(new List<Stmt> { Synthesized(disposeWhenCancelled!) }), false));

        var exceptionField = awaits || catches.Any(c => c.HasAwait) ? NewField($"exception{id}", "global::System.Exception?", "exception pending while an awaiting handler runs") : null;
        if (entered)
        {
            var line = BodySyntax.Line(origin);
            FinallyMethods.Add(new FinallyModel(skipId!.Value, Block(new List<Stmt>
            {
                Synthesized($"global::AsyncGen.CancelledCleanup.OnFinallySkipped(\"{_method.ContainingType.Name}.{_method.Name}\", {line});"),
            }), false));
            CancelEntries.Add(new CancelEntry(entryId!.Value, 0, line, exceptionField!, pending!.BranchField, _jumps.CancelBranch(pending)));
        }
        var finallyBody = new List<Stmt>();
        // A finally without awaits runs in a method of its own: the local functions it calls are declared there too.
        if (!awaits && finallySyntax is not null)
            foreach (var function in VariableTable.LocalFunctionsReferencedFrom(_model, _body, finallySyntax))
                finallyBody.Add(Code(_rewriter.Rewrite(function), function));
        if (entered) _finallyStack.Insert(0, skipId!.Value); // suspended inside the block: its rest is skipped
        buildFinally(finallyBody);
        if (entered) _finallyStack.RemoveAt(0);
        var model = new FinallyModel(id, Block(finallyBody), awaits);
        if (!awaits) FinallyMethods.Add(model);
        else if (!entered) StartedDisposalLines.Add(BodySyntax.Line(origin));
        return new TryStmt(id, BodySyntax.Line(origin), Block(body), catches.ToEquatableArray(), model, exceptionField, null,
            pending?.BranchFieldIfCreated, (pending?.Exits ?? new List<string>()).ToEquatableArray(), entryId);
    }

    /// <summary>
    /// Catch clauses around a finally block Dispose enters must not catch what that cleanup throws (Dispose unwinds,
    /// like a return, and its exceptions surface from Dispose): the machine then records the await it was cancelled at,
    /// and the lowering adds a filter on it to those clauses.
    /// An await inside such a block itself does not count: Dispose cuts the block there, entering nothing.
    /// </summary>
    private void GuardCatches(int entriesBefore, int awaitsBefore, List<CatchModel> catches)
    {
        if (catches.Count == 0 || CancelEntries.Count == entriesBefore) return;
        var entered = new HashSet<int>(CancelEntries.Skip(entriesBefore).Select(e => e.Id));
        if (Awaits.Skip(awaitsBefore).Any(a => a.EnclosingFinallies.Any(entered.Contains)))
            CancelledAtField ??= NewField("cancelledAt", "int", "the await Dispose cancelled (0: none): the catch blocks around it let its cleanup's exceptions pass");
    }

    private List<CatchModel> BuildCatches(TryStatementSyntax @try, out string? exceptionField, out string? indexField)
    {
        exceptionField = indexField = null;
        var catches = new List<CatchModel>();
        foreach (var clause in @try.Catches)
        {
            if (!ContainsAwait(clause.Block))
            {
                catches.Add(new CatchModel(clause.Declaration is null ? "" : _rewriter.Rewrite(clause.Declaration),
                    clause.Filter is null ? null : _rewriter.Rewrite(clause.Filter.FilterExpression),
                    BodySyntax.Line(clause), Block(new List<Stmt> { Code(_rewriter.Rewrite(clause.Block), clause.Block) }), false, ""));
                continue;
            }

            exceptionField ??= NewField($"exception{_nextTry}", "global::System.Exception?", "exception caught by a catch block that awaits");
            indexField ??= NewField($"catch{_nextTry}", "int", "which catch block that awaits runs (0: none)");
            _jumps.AwaitingCatch(clause, exceptionField);
            var body = new List<Stmt>();
            var caught = GeneratedNames.Caught;
            string declared;
            string? filter;
            if (clause.Declaration is { } declaration && _model.GetDeclaredSymbol(declaration) is ILocalSymbol variable)
            {
                var type = variable.Type.ToDisplayString(PollAsyncShape.TypeFormat);
                if (_variables.IsHoisted(variable))
                {
                    filter = Filter(clause, variable, caught, out var filterCreatesClosure);
                    if (_variables.ScopeClosureOf(clause) is { } closure)
                    {
                        // Its variable captured by lambdas inside a loop: this exception's own (see BuildBlock). A
                        // filter reading it creates the closure first, as each run of the filter has its own.
                        if (!filterCreatesClosure)
                            body.Add(Code($"{closure.Field} = new {closure.Type}(); // this exception's variable captured by lambdas", declaration));
                        _enteredScopes.Add(clause);
                    }
                    body.Add(Code($"{_variables.Access(variable)} = ({type}){exceptionField}!;", declaration));
                    declared = $"({type} {caught})";
                }
                else
                {
                    caught = _variables.Access(variable) ?? variable.Name;
                    body.Add(Code($"{type} {caught} = ({type}){exceptionField}!;", declaration));
                    declared = _rewriter.Rewrite(declaration);
                    filter = clause.Filter is null ? null : _rewriter.Rewrite(clause.Filter.FilterExpression);
                }
            }
            else
            {
                declared = clause.Declaration is null ? $"(global::System.Exception {caught})" : $"({_rewriter.Rewrite(clause.Declaration.Type)} {caught})";
                filter = Filter(clause, null, caught, out _);
            }
            BuildBlock(clause.Block, body);
            catches.Add(new CatchModel(declared, filter, BodySyntax.Line(clause), Block(body), true, caught));
        }
        return catches;
    }

    /// <summary>
    /// The filter of a catch that awaits stays on the C# catch clause, so it still runs in the first pass of the
    /// exception, before the finally blocks inside the try (a finally that awaits is a catch-all and runs before it,
    /// as in the C# compiler's own lowering). A variable in a field is stored before the filter reads it:
    /// <c>when (Hoist(out _e, __caught) &amp;&amp; (_e.Message != ""))</c>; one in the closure of the catch clause (a
    /// loop's catch whose variable lambdas capture) is stored in a new closure:
    /// <c>when (Hoist(out _closure2, new Closure2()) &amp;&amp; Hoist(out _closure2.e, __caught) &amp;&amp; (...))</c>
    /// (<paramref name="createsClosure"/>).
    /// </summary>
    private string? Filter(CatchClauseSyntax clause, ILocalSymbol? hoisted, string caught, out bool createsClosure)
    {
        createsClosure = false;
        if (clause.Filter is not { } filter) return null;
        var condition = _rewriter.Rewrite(filter.FilterExpression);
        var readsVariable = hoisted is not null &&
            filter.FilterExpression.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>().Any(i => SymbolEqualityComparer.Default.Equals(_model.GetSymbolInfo(i).Symbol, hoisted));
        if (!readsVariable) return condition;
        var store = $"{GeneratedNames.Hoist}(out {_variables.Access(hoisted!)}, {caught}) && ({condition})";
        if (_variables.ScopeClosureOf(clause) is not { } closure) return store;
        createsClosure = true;
        return $"{GeneratedNames.Hoist}(out {closure.Field}, new {closure.Type}()) && {store}";
    }

    /// <summary><c>using (resources) body</c> and <c>using var</c>: one try/finally per resource, innermost last.</summary>
    private void BuildUsing(SyntaxNode origin, VariableDeclarationSyntax? declaration, ExpressionSyntax? expression, List<StatementSyntax> body, List<Stmt> output, bool isAwait = false)
    {
        if (origin is UsingStatementSyntax && _variables.ScopeClosureOf(origin) is { } closure)
        {
            // Its variables captured by lambdas inside a loop: this run's own (see BuildBlock).
            output.Add(Code($"{closure.Field} = new {closure.Type}(); // this run's variables captured by lambdas", origin));
            _enteredScopes.Add(origin);
        }
        var resources = new List<(string Access, ITypeSymbol Type, SyntaxNode Origin)>();
        if (declaration is not null)
        {
            foreach (var variable in declaration.Variables)
            {
                var symbol = (ILocalSymbol)_model.GetDeclaredSymbol(variable)!;
                resources.Add((_variables.Access(symbol) ?? symbol.Name, symbol.Type, variable));
            }
        }
        else if (expression is not null)
        {
            var type = _model.GetTypeInfo(expression).Type ?? throw new UnsupportedConstructException(expression, "this using expression");
            resources.Add((NewValueField("resource", type, expression, "using resource"), type, expression));
        }
        BuildUsingResource(origin, declaration, expression, resources, 0, body, output, isAwait);
    }

    private void BuildUsingResource(
        SyntaxNode origin, VariableDeclarationSyntax? declaration, ExpressionSyntax? expression,
        List<(string Access, ITypeSymbol Type, SyntaxNode Origin)> resources, int index, List<StatementSyntax> body, List<Stmt> output, bool isAwait)
    {
        if (index == resources.Count)
        {
            BuildStatements(body, output);
            return;
        }
        var (access, type, resourceOrigin) = resources[index];
        var initializer = declaration is null ? expression! : declaration.Variables[index].Initializer?.Value
            ?? throw new UnsupportedConstructException(resourceOrigin, "a using variable without initializer");
        output.Add(Code($"{access} = {Spill(initializer, output)};", resourceOrigin));
        // A using declaration guards the rest of its block; a using statement, its own body.
        var (scope, start) = origin is LocalDeclarationStatementSyntax { Parent: { } block } ? (block, origin.SpanStart) : (origin, origin.SpanStart);
        var tryStmt = BuildTryFinally(resourceOrigin, scope, start, null, isAwait,
            tryBody => BuildUsingResource(origin, declaration, expression, resources, index + 1, body, tryBody, isAwait),
            finallyBody =>
            {
                if (isAwait) DisposeAsync(access, type, resourceOrigin, finallyBody);
                else finallyBody.Add(Synthesized(type.IsValueType
                    ? $"((global::System.IDisposable){access}).Dispose();"
                    : $"if ({access} != null) ((global::System.IDisposable){access}).Dispose();"));
            },
            new List<CatchModel>(),
            isAwait ? StartDisposeAsync(access, type) : null);
        output.Add(tryStmt);
    }

    /// <summary>
    /// What Dispose runs for an <c>await using</c> suspended in its body: <c>AsyncDisposal.OnCancel</c> starts
    /// DisposeAsync; if it completes at once (the common case) its exception propagates like a finally block's;
    /// otherwise it finishes on its own (Dispose cannot await), counted, and a failure is reported as unobserved.
    /// The resource goes by reference, so a struct is disposed in place, as <c>await using</c> does.
    /// </summary>
    private string StartDisposeAsync(string resource, ITypeSymbol type) =>
        IsNullableValue(type) // S?: the boxed value, as the awaited path disposes it
            ? $"if ({resource} != null) global::AsyncGen.AsyncDisposal.OnCancel({resource}, ((global::System.IAsyncDisposable){resource}).DisposeAsync());"
        : ImplementsAsyncDisposable(type)
            ? $"global::AsyncGen.AsyncDisposal.OnCancel(ref {resource});"
            : StartPatternDisposeAsync(resource, !type.IsValueType); // ConfigureAwait(false): ConfiguredAsyncDisposable

    private static bool IsNullableValue(ITypeSymbol type) =>
        type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T };

    private bool ImplementsAsyncDisposable(ITypeSymbol type) =>
        _model.Compilation.GetTypeByMetadataName("System.IAsyncDisposable") is { } disposable &&
        (SymbolEqualityComparer.Default.Equals(type, disposable) || type.AllInterfaces.Contains(disposable, SymbolEqualityComparer.Default) ||
         IsNullableValue(type) && ((INamedTypeSymbol)type).TypeArguments[0].AllInterfaces.Contains(disposable, SymbolEqualityComparer.Default));

    /// <summary>
    /// The same for an <c>await foreach</c> enumerator, whose DisposeAsync may be a pattern method (no
    /// <c>IAsyncDisposable</c>): the started disposal is handed over with the enumerator (for its type).
    /// </summary>
    private static string StartPatternDisposeAsync(string enumerator, bool nullTested)
    {
        var start = $"global::AsyncGen.AsyncDisposal.OnCancel({enumerator}, {enumerator}.DisposeAsync());";
        return nullTested ? $"if ({enumerator} != null) {start}" : start;
    }

    /// <summary><c>await resource.DisposeAsync()</c>, skipped for a null resource.</summary>
    private void DisposeAsync(string access, ITypeSymbol type, SyntaxNode origin, List<Stmt> output)
    {
        AwaitStmt await;
        if (ImplementsAsyncDisposable(type))
        {
            var valueTask = _model.Compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask")
                ?? throw new UnsupportedConstructException(origin, "'await using' without System.Threading.Tasks.ValueTask");
            await = SynthesizedAwait($"((global::System.IAsyncDisposable){access}).DisposeAsync()", valueTask, "DisposeAsync", origin, out _);
        }
        else
        {
            // The DisposeAsync pattern, e.g. ConfiguredAsyncDisposable (`await using (x.ConfigureAwait(false))`).
            var dispose = type.GetMembers("DisposeAsync").OfType<IMethodSymbol>().FirstOrDefault(m => m.Parameters.Length == 0)
                ?? throw new UnsupportedConstructException(origin, $"'await using' of '{type.ToDisplayString()}' (no DisposeAsync)");
            await = SynthesizedAwait($"{access}.DisposeAsync()", dispose.ReturnType, "DisposeAsync", origin, out _);
        }
        output.Add(type.IsValueType && !IsNullableValue(type) ? await : new IfStmt($"{access} != null", BodySyntax.Line(origin), Block(new List<Stmt> { await }), null));
    }

    /// <summary>An await the user did not write (await using, await foreach), of a value of type <paramref name="awaitable"/>.</summary>
    private AwaitStmt SynthesizedAwait(string awaitable, ITypeSymbol awaitableType, string hint, SyntaxNode origin, out string? result)
    {
        var getAwaiter = awaitableType.GetMembers("GetAwaiter").OfType<IMethodSymbol>().FirstOrDefault(m => m.Parameters.Length == 0)
            ?? throw new UnsupportedConstructException(origin, $"awaiting '{awaitableType.ToDisplayString()}'");
        var awaiterType = getAwaiter.ReturnType;
        var resultType = awaiterType.GetMembers("GetResult").OfType<IMethodSymbol>().FirstOrDefault()?.ReturnType;
        var state = Awaits.Count + 1;
        var awaiter = AwaitClassifier.TypeName(awaiterType, origin);
        var field = _fields.Add(GeneratedNames.AwaitField(state, "_" + hint.Substring(0, 1).ToLowerInvariant() + hint.Substring(1)), awaiter, $"awaited at line {BodySyntax.Line(origin)}");
        var resultName = resultType is null || resultType.SpecialType == SpecialType.System_Void ? null : AwaitClassifier.TypeName(resultType, origin);
        Awaits.Add(new AwaitSite(state, AwaitKind.Awaiter, field, awaiter, resultName, awaitable + ".GetAwaiter()",
            BodySyntax.Line(origin), awaitable, _finallyStack.ToEquatableArray(), _variables.LiveAcross(origin)));
        result = resultName is null ? null : GeneratedNames.AwaitResult(state);
        return new AwaitStmt(state);
    }

    /// <summary>
    /// <c>await foreach</c>: the enumerator's MoveNextAsync is awaited at the top of each iteration and its
    /// DisposeAsync in a finally block that awaits, like the C# compiler's own lowering.
    /// </summary>
    private void BuildAwaitForEach(CommonForEachStatementSyntax forEach, List<Stmt> output)
    {
        var info = _model.GetForEachStatementInfo(forEach);
        if (info.GetEnumeratorMethod is null || info.MoveNextMethod is null || info.CurrentProperty is null)
            throw new UnsupportedConstructException(forEach, "this 'await foreach' collection");
        var (assign, variableType) = ForEachTarget(forEach);
        var enumeratorType = info.GetEnumeratorMethod.ReturnType;
        var enumerator = NewValueField("enumerator", enumeratorType, forEach, "await foreach enumerator");
        output.Add(Code($"{enumerator} = {Parenthesized(Spill(forEach.Expression, output))}.{info.GetEnumeratorMethod.Name}();", forEach.Expression));
        var (top, next, exit) = LoopLabels(forEach);

        // Cancelled in the loop body, Dispose starts the enumerator's DisposeAsync (see StartPatternDisposeAsync). While
        // MoveNextAsync runs an async iterator refuses DisposeAsync, so cancelled there, Dispose leaves it to start when
        // MoveNextAsync completes (AsyncDisposal.OnCancelAfterPending, through the wake relay of that await).
        var valueTaskDisposal = info.DisposeMethod is { Name: "DisposeAsync", ReturnType: { Name: "ValueTask", ContainingNamespace.Name: "Tasks" } };
        // WithCancellation/ConfigureAwait give a struct enumerator whose DisposeAsync returns a ConfiguredValueTaskAwaitable:
        // handled the same way on both paths (OnCancel and OnCancelAfterPending have overloads for it).
        var configuredDisposal = info.DisposeMethod is { Name: "DisposeAsync", ReturnType: { Name: "ConfiguredValueTaskAwaitable", ContainingNamespace.Name: "CompilerServices" } };
        var disposeWhenCancelled = valueTaskDisposal || configuredDisposal ? StartPatternDisposeAsync(enumerator, !enumeratorType.IsValueType) : null;
        int? disposeAfterMoveNext = null;
        if (valueTaskDisposal || configuredDisposal)
        {
            disposeAfterMoveNext = _nextTry++;
            var enumeratorTypeName = AwaitClassifier.TypeName(enumeratorType, forEach);
            FinallyMethods.Add(new FinallyModel(disposeAfterMoveNext.Value, Block(new List<Stmt>
            {
                Synthesized($"global::AsyncGen.AsyncDisposal.OnCancelAfterPending<{enumeratorTypeName}>({GeneratedNames.Relay}!, {enumerator}, static e => e.{info.DisposeMethod!.Name}());"),
            }), false));
        }
        var tryStmt = BuildTryFinally(forEach, forEach, forEach.Expression.Span.End, null, info.DisposeMethod is not null,
            tryBody =>
            {
                var cancel = disposeWhenCancelled is null ? (int?)null : _finallyStack[0];
                if (disposeAfterMoveNext is { } after) _finallyStack[0] = after;
                else if (cancel is not null) _finallyStack.RemoveAt(0);
                var moveNext = SynthesizedAwait($"{enumerator}.{info.MoveNextMethod.Name}()", info.MoveNextMethod.ReturnType, "moveNext", forEach, out var hasNext);
                if (cancel is { } id)
                {
                    if (disposeAfterMoveNext is not null) _finallyStack[0] = id;
                    else _finallyStack.Insert(0, id);
                }
                var body = new List<Stmt> { moveNext };
                body.Add(Code($"if (!{hasNext}) goto {exit};", forEach));
                body.Add(Code($"{assign} = {Current(forEach, enumerator, info, variableType)};", forEach));
                body.AddRange(BuildEmbedded(forEach.Statement).Statements);
                tryBody.Add(new LoopStmt(null, BodySyntax.Line(forEach), Block(body), Block(new List<Stmt>()), false, top, next, exit));
            },
            finallyBody =>
            {
                if (info.DisposeMethod is null) return;
                var dispose = SynthesizedAwait($"{enumerator}.{info.DisposeMethod.Name}()", info.DisposeMethod.ReturnType, "disposeAsync", forEach, out _);
                // A struct enumerator (WithCancellation's) is never null, and '!= null' does not compile on it.
                finallyBody.Add(enumeratorType.IsValueType && !IsNullableValue(enumeratorType)
                    ? dispose
                    : new IfStmt($"{enumerator} != null", BodySyntax.Line(forEach), Block(new List<Stmt> { dispose }), null));
            },
            new List<CatchModel>(),
            disposeWhenCancelled);
        output.Add(tryStmt);
    }

    private static string Parenthesized(string text) => text.All(c => char.IsLetterOrDigit(c) || c is '_' or '.') ? text : "(" + text + ")";
}
