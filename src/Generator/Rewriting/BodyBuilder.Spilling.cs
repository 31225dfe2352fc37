using System.Collections.Generic;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using AsyncGen.Generator.Model;
using AsyncGen.Generator.Parsing;

namespace AsyncGen.Generator.Rewriting;

// Spilling: an await inside an expression ends the statement there, so everything the expression evaluated
// before the await is stored in a field first and the rest reads it back, which keeps C#'s left-to-right order
// (Roslyn's SpillSequenceSpiller). Each method returns the text of the value, valid after the statements it
// appended to the output.
internal sealed partial class BodyBuilder
{
    private string Spill(ExpressionSyntax expression, List<Stmt> output)
    {
        if (!ContainsAwait(expression)) return RewriteBound(expression);
        switch (expression)
        {
            case AwaitExpressionSyntax await:
                return SpillAwait(await, output) ?? throw new UnsupportedConstructException(await, "using the result of an await that has none");
            case ParenthesizedExpressionSyntax parenthesized:
                return "(" + Spill(parenthesized.Expression, output) + ")";
            case CastExpressionSyntax cast:
                return InOverflowContext(cast, "(" + _rewriter.Rewrite(cast.Type) + ")" + Spill(cast.Expression, output));
            case PrefixUnaryExpressionSyntax unary when !unary.IsKind(SyntaxKind.PreIncrementExpression) && !unary.IsKind(SyntaxKind.PreDecrementExpression):
                return InOverflowContext(unary, unary.OperatorToken.Text + Spill(unary.Operand, output));
            case PrefixUnaryExpressionSyntax increment:
                // `++(await box).Count`, `++items[await i]`: the target's receiver and indices, then the increment.
                return InOverflowContext(increment, increment.OperatorToken.Text + SpillAssignable(increment.Operand, false, output));
            case PostfixUnaryExpressionSyntax suppression when suppression.IsKind(SyntaxKind.SuppressNullableWarningExpression):
                // `(await x)!.Length`: the await's value is a name, and `(__r1)!.Length` would parse as a cast of `!.Length`.
                var suppressed = Spill(suppression.Operand, output);
                return System.Text.RegularExpressions.Regex.Replace(suppressed, @"^\(([\w.:]+)\)$", "$1") + "!";
            case PostfixUnaryExpressionSyntax increment:
                return InOverflowContext(increment, SpillAssignable(increment.Operand, false, output) + increment.OperatorToken.Text);
            case BinaryExpressionSyntax binary when binary.IsKind(SyntaxKind.LogicalAndExpression) || binary.IsKind(SyntaxKind.LogicalOrExpression):
                return SpillShortCircuit(binary, output);
            case BinaryExpressionSyntax binary when binary.IsKind(SyntaxKind.CoalesceExpression):
                return SpillCoalesce(binary, output);
            case BinaryExpressionSyntax binary when binary.IsKind(SyntaxKind.AsExpression) || binary.IsKind(SyntaxKind.IsExpression):
                return Spill(binary.Left, output) + " " + binary.OperatorToken.Text + " " + _rewriter.Rewrite(binary.Right);
            case BinaryExpressionSyntax binary:
                var left = SpillOperand(binary.Left, ContainsAwait(binary.Right), output);
                return InOverflowContext(binary, left + " " + binary.OperatorToken.Text + " " + Spill(binary.Right, output));
            case ConditionalExpressionSyntax conditional:
                return SpillConditional(conditional, output);
            case RangeExpressionSyntax range:
                var start = range.LeftOperand is null ? "" : SpillOperand(range.LeftOperand, range.RightOperand is { } end && ContainsAwait(end), output);
                return start + ".." + (range.RightOperand is null ? "" : Spill(range.RightOperand, output));
            case AssignmentExpressionSyntax assignment:
                return SpillAssignment(assignment, output);
            case InvocationExpressionSyntax invocation:
                return SpillInvocation(invocation, output, null);
            case MemberAccessExpressionSyntax member when member.IsKind(SyntaxKind.SimpleMemberAccessExpression):
                return Spill(member.Expression, output) + "." + _rewriter.Rewrite(member.Name);
            case ElementAccessExpressionSyntax { Expression: BaseExpressionSyntax } baseElement:
                return _rewriter.BaseIndexerRead(baseElement, SpillArguments(baseElement.ArgumentList.Arguments, output));
            case ElementAccessExpressionSyntax element:
                var receiver = SpillReceiver(element.Expression, element.ArgumentList.Arguments.Any(ContainsAwait), output);
                return receiver + "[" + SpillArguments(element.ArgumentList.Arguments, output) + "]";
            case BaseObjectCreationExpressionSyntax creation:
                return SpillObjectCreation(creation, output);
            case AnonymousObjectCreationExpressionSyntax anonymous:
                return SpillAnonymousObject(anonymous, output);
            case InterpolatedStringExpressionSyntax interpolated:
                return SpillInterpolatedString(interpolated, output);
            case IsPatternExpressionSyntax isPattern:
                var isTest = _rewriter.IsPattern(Spill(isPattern.Expression, output), isPattern.Pattern);
                return _rewriter.StoresVariables(isPattern.Pattern) && !isTest.StartsWith("!", System.StringComparison.Ordinal) ? "(" + isTest + ")" : isTest;
            case SwitchExpressionSyntax @switch when !@switch.Arms.Any(ContainsAwait):
                return Spill(@switch.GoverningExpression, output) + " switch\n{\n" +
                       string.Join(",\n", @switch.Arms.Select(a => "    " + _rewriter.Rewrite(a))) + "\n}";
            case SwitchExpressionSyntax @switch:
                return SpillSwitchExpression(@switch, output);
            case TupleExpressionSyntax tuple:
                return "(" + SpillArguments(tuple.Arguments, output) + ")";
            case ArrayCreationExpressionSyntax { Initializer: { } initializer } array when !array.Type.RankSpecifiers.Any(ContainsAwait):
                return "new " + _rewriter.Rewrite(array.Type) + " { " + string.Join(", ", SpillList(initializer.Expressions.ToList(), output)) + " }";
            case ArrayCreationExpressionSyntax { Initializer: null } sized:
                // `new int[await n]`, `new string[await rows, columns]`, `new int[await n][]`: the sizes in order, then
                // the array (only the first rank has sizes, and sizes beside an initializer are constants).
                return "new " + _rewriter.Rewrite(sized.Type.ElementType) +
                       "[" + string.Join(", ", SpillList(sized.Type.RankSpecifiers[0].Sizes.ToList(), output)) + "]" +
                       string.Concat(sized.Type.RankSpecifiers.Skip(1).Select(r => _rewriter.Rewrite(r)));
            case ImplicitArrayCreationExpressionSyntax implicitArray:
                return "new[] { " + string.Join(", ", SpillList(implicitArray.Initializer.Expressions.ToList(), output)) + " }";
            case CollectionExpressionSyntax collection when collection.Elements.All(e => e is ExpressionElementSyntax or SpreadElementSyntax):
                var converted = _model.GetTypeInfo(collection).ConvertedType ?? throw new UnsupportedConstructException(collection, "this collection expression");
                var values = collection.Elements.Select(e => e is SpreadElementSyntax spread ? spread.Expression : ((ExpressionElementSyntax)e).Expression).ToList();
                var elements = new List<string>();
                for (var i = 0; i < values.Count; i++)
                {
                    var later = values.Skip(i + 1).Any(ContainsAwait);
                    elements.Add(collection.Elements[i] is SpreadElementSyntax ? ".. " + SpillSpread(values[i], later, output) : SpillOperand(values[i], later, output));
                }
                return $"({AwaitClassifier.WrittenTypeName(converted, collection)})[" + string.Join(", ", elements) + "]";
            case WithExpressionSyntax with when with.Initializer.Expressions.All(e => e is AssignmentExpressionSyntax { Left: IdentifierNameSyntax }):
                return SpillWith(with, output);
            case QueryExpressionSyntax query:
                return SpillQuery(query, output);
            case CheckedExpressionSyntax @checked:
                return SpillChecked(@checked, output);
            case ConditionalAccessExpressionSyntax access when !ContainsAwait(access.WhenNotNull):
                // `(await x)?.M`: the await runs first, the access tests its result as written.
                return Spill(access.Expression, output) + "?" + _rewriter.Rewrite(access.WhenNotNull);
            case ConditionalAccessExpressionSyntax access:
                return SpillConditionalAccess(access, output, discard: false)!;
            case ElementBindingExpressionSyntax element when _conditionalReceivers.Count > 0:
                return _conditionalReceivers.Peek().Receiver + "[" + SpillArguments(element.ArgumentList.Arguments, output) + "]";
            default:
                throw new UnsupportedConstructException(expression, "an await inside " + Humanize(expression.Kind().ToString()) + " (await the value into a local before it)");
        }
    }

    /// <summary><c>CheckedExpression</c> → "a checked expression".</summary>
    private static string Humanize(string kind)
    {
        var words = System.Text.RegularExpressions.Regex.Replace(kind, "(?<=[a-z])([A-Z])", " $1").ToLowerInvariant();
        return ("aeiou".IndexOf(words[0]) >= 0 ? "an " : "a ") + words;
    }

    /// <summary>
    /// A query with awaits in its first <c>from</c> collection or in <c>join</c> collections. C# writes each clause as
    /// a call on the result of the clauses before it (<c>a.Where(...).Join(await b, ...)</c>), so the calls of the
    /// clauses before an awaited join run before that await (a null source throws before <c>b</c> is awaited). The
    /// query is therefore cut before each awaited join: the part before it, written as a query of its own that C#
    /// translates to the same calls (<c>from c in a where ... select c</c> is <c>a.Where(...)</c>; a typed range
    /// variable's <c>Cast&lt;T&gt;()</c> is written out; the query before <c>into</c> is the continuation's source), is
    /// stored in a field, then the collection is awaited and the query goes on from the stored part. A join right
    /// after the first <c>from</c> needs no cut: its source is stored (if not invariant) and the query written after the
    /// await. After one <c>let</c>, second <c>from</c> or join, C#'s elements are anonymous transparent identifiers
    /// (<c>new { c, x }</c>): that clause and each further one are written as C#'s calls (<see cref="RangeClauseCalls"/>),
    /// the part stored through <see cref="AnonymousShapes"/>, and the rest reads the range variables through it
    /// (<c>__row.x</c>, <c>__row.__row.c</c>). A second awaited join would write the first again from its awaited value: AG0005.
    /// </summary>
    private string SpillQuery(QueryExpressionSyntax query, List<Stmt> output)
    {
        var from = query.FromClause;
        var variable = from.Identifier.Text;
        var source = SpillOperand(from.Expression, ContainsAwait(query.Body), output);
        // "from c in source" at first, "<query so far> into g" in a continuation: the start of the current part.
        var head = "from " + (from.Type is null ? "" : _rewriter.Rewrite(from.Type) + " ") + variable + " in " + source;
        var castTo = from.Type is null ? null : _rewriter.Rewrite(from.Type);
        string? previous = null; // in a continuation: the whole query before 'into', which is its source
        for (var body = query.Body; ; )
        {
            var clauses = body.Clauses;
            var text = new StringBuilder(head);
            var cut = -1; // the index of the last awaited join, from which the query is written on
            var spilled = new Dictionary<QueryClauseSyntax, string>(); // each awaited join's collection, as the machine has it
            for (var i = 0; i < clauses.Count; i++)
            {
                if (clauses[i] is not JoinClauseSyntax join || !ContainsAwait(join.InExpression))
                {
                    text.Append("\n    ").Append(_rewriter.Rewrite(clauses[i]));
                    continue;
                }
                // After an awaited join, the clauses from it on are the calls before this one: the first of them is a join.
                var start = cut < 0 ? 0 : cut;
                var adders = clauses.Skip(start).Take(i - start).Where(c => c is not (WhereClauseSyntax or OrderByClauseSyntax)).ToList();
                if (adders.Count > 0)
                {
                    if (query.DescendantNodes().OfType<IdentifierNameSyntax>().Any(n => _model.GetSymbolInfo(n).Symbol is ILocalSymbol local && _variables.LambdaCopy(local) is not null))
                        throw new UnsupportedConstructException(join.InExpression.DescendantNodesAndSelf().OfType<AwaitExpressionSyntax>().First(),
                            "an await in a join collection after a let, from or join, in a query reading a variable of which each iteration of a loop that awaits has its own (declared in the loop and captured by a lambda): the clauses' calls would need lambdas capturing it; await the collection into a local before the query ('var items = await ...;', then 'join x in items')");
                    var row = GeneratedNames.QueryRow;
                    var stored = cut < 0
                        ? RangeClauseCalls(query, clauses, adders, 0, i, head, variable, previous ?? (castTo is not null ? $"({source}).Cast<{castTo}>()" : source), null, spilled, out var rows)
                        : RangeClauseCalls(query, clauses, adders, cut, i, head, variable, source, _rewriter.RangeVariables, spilled, out rows);
                    source = StoreQueryPart(query, join, stored, output);
                    text.Clear().Append("from ").Append(row).Append(" in ").Append(source);
                    castTo = null;
                    cut = i;
                    _rewriter.RangeVariables = rows;
                    text.Append("\n    join ").Append(join.Type is null ? "" : _rewriter.Rewrite(join.Type) + " ").Append(join.Identifier.Text)
                        .Append(" in ").Append(spilled[join] = Spill(join.InExpression, output))
                        .Append(" on ").Append(_rewriter.Rewrite(join.LeftExpression)).Append(" equals ").Append(_rewriter.Rewrite(join.RightExpression));
                    if (join.Into is { } rowsInto) text.Append(" into ").Append(rowsInto.Identifier.Text);
                    continue;
                }
                if (i > 0 || castTo is not null || previous is not null)
                {
                    // The calls before the join run now, before its await: the part of the query before it, kept in a field.
                    var before = i > 0 ? text.Append("\n    select ").Append(variable).ToString()
                        : previous ?? $"({source}).Cast<{castTo}>()";
                    source = StoreQueryPart(query, join, before, output);
                    text.Clear().Append("from ").Append(variable).Append(" in ").Append(source);
                    castTo = null;
                }
                cut = i;
                text.Append("\n    join ").Append(join.Type is null ? "" : _rewriter.Rewrite(join.Type) + " ").Append(join.Identifier.Text)
                    .Append(" in ").Append(spilled[join] = Spill(join.InExpression, output))
                    .Append(" on ").Append(_rewriter.Rewrite(join.LeftExpression)).Append(" equals ").Append(_rewriter.Rewrite(join.RightExpression));
                if (join.Into is { } into) text.Append(" into ").Append(into.Identifier.Text);
            }
            text.Append("\n    ").Append(_rewriter.Rewrite(body.SelectOrGroup));
            _rewriter.RangeVariables = null; // 'into' ends the scope of every range variable
            if (body.Continuation is not { } continuation) return text.ToString();
            if (!ContainsAwait(continuation)) return text.Append("\n    ").Append(_rewriter.Rewrite(continuation)).ToString();
            previous = text.ToString();
            variable = continuation.Identifier.Text;
            head = previous + "\n    into " + variable;
            castTo = null;
            body = continuation.Body;
        }
    }

    /// <summary>
    /// The part of a query before the awaited join at clause <paramref name="join"/>, from the first clause that adds a
    /// range variable on, written as the calls C# makes (<see cref="AdderCall"/>): each such clause's result is a
    /// transparent identifier of the one before it and the variable it adds (<c>new { c, d }</c>, then
    /// <c>new { __row, e }</c> where C# names the member <c>&lt;&gt;h__TransparentIdentifier0</c>: the same calls in the
    /// same order, only the anonymous member's name differs); the where and orderby clauses between them read the
    /// variables through the row (<c>__row.__row.c</c>). <paramref name="rows"/> is how the rest of the query reads each
    /// range variable.
    /// </summary>
    /// <remarks>After an awaited join (<paramref name="start"/> is its index, the first adder), the element is already a
    /// row, <paramref name="startRows"/> how the query reads each variable through it, and the awaited joins' collections are
    /// what the machine holds (<paramref name="spilled"/>): the calls are those C# makes on the stored part, before the next await.</remarks>
    private string RangeClauseCalls(QueryExpressionSyntax query, SyntaxList<QueryClauseSyntax> clauses, List<QueryClauseSyntax> adders, int start, int join,
        string head, string variable, string source, Dictionary<ISymbol, string>? startRows, Dictionary<QueryClauseSyntax, string> spilled,
        out Dictionary<ISymbol, string> rows)
    {
        var row = GeneratedNames.QueryRow;
        var first = clauses.IndexOf(adders[0]);
        var receiver = "(" + (first > start ? QueryPrefix(query, clauses, first, head, variable) : source) + ")";
        var part = receiver;
        // The path from the current element to each range variable: before the first adder the element is the variable
        // (or, after an awaited join, the row).
        var paths = new Dictionary<ISymbol, string>(SymbolEqualityComparer.Default);
        var body = (QueryBodySyntax)clauses[0].Parent!;
        var member = row; // the anonymous member holding the element before each adder: the variable, then the row
        if (startRows is not null)
        {
            foreach (var pair in startRows) paths[pair.Key] = pair.Value.Substring(row.Length);
        }
        else if ((body.Parent is QueryContinuationSyntax continuation ? _model.GetDeclaredSymbol(continuation) : _model.GetDeclaredSymbol(query.FromClause)) is { } startSymbol)
        {
            paths[startSymbol] = "";
            member = GeneratedNames.Escaped(startSymbol.Name);
        }
        for (var a = 0; a < adders.Count; a++)
        {
            var element = a == 0 && startRows is null ? variable : row;
            _rewriter.RangeVariables = a == 0 && startRows is null ? null : Rows(paths);
            part = receiver + AdderCall(adders[a], element, spilled.TryGetValue(adders[a], out var collection) ? collection : null);
            foreach (var key in paths.Keys.ToList()) paths[key] = "." + (a == 0 ? member : row) + paths[key];
            if (AddedBy(adders[a]) is { } added) paths[added] = "." + GeneratedNames.Escaped(added.Name);
            var k = clauses.IndexOf(adders[a]);
            var next = a + 1 < adders.Count ? clauses.IndexOf(adders[a + 1]) : join;
            _rewriter.RangeVariables = Rows(paths);
            var between = clauses.Skip(k + 1).Take(next - k - 1).Select(c => "\n    " + _rewriter.Rewrite(c)).ToList();
            _rewriter.RangeVariables = null;
            if (between.Count > 0) part = $"from {row} in {part}{string.Concat(between)}\n    select {row}";
            receiver = between.Count > 0 ? "(" + part + ")" : part;
        }
        rows = Rows(paths);
        return part;

        Dictionary<ISymbol, string> Rows(Dictionary<ISymbol, string> from) =>
            from.ToDictionary(p => p.Key, p => row + p.Value, SymbolEqualityComparer.Default);
    }

    /// <summary>The range variable a let, from or join clause adds (a join's <c>into</c> variable when it has one).</summary>
    private ISymbol? AddedBy(QueryClauseSyntax clause) => clause switch
    {
        JoinClauseSyntax { Into: { } into } => _model.GetDeclaredSymbol(into),
        _ => _model.GetDeclaredSymbol(clause),
    };

    /// <summary>The query of the clauses before clause <paramref name="end"/>, ending with <c>select variable</c> (which C# leaves out).</summary>
    private string QueryPrefix(QueryExpressionSyntax query, SyntaxList<QueryClauseSyntax> clauses, int end, string head, string variable)
    {
        var text = new StringBuilder(head);
        for (var i = 0; i < end; i++) text.Append("\n    ").Append(_rewriter.Rewrite(clauses[i]));
        return text.Append("\n    select ").Append(variable).ToString();
    }

    /// <summary>
    /// The call C# makes for <paramref name="clause"/> (a let, a second from or a join followed by other clauses) on the
    /// elements of the single range variable <paramref name="variable"/>: its result is C#'s transparent identifier,
    /// <c>new { c, x }</c>, the same anonymous type. A join whose collection awaited reads <paramref name="awaitedCollection"/>,
    /// the awaited value the machine holds.
    /// </summary>
    private string AdderCall(QueryClauseSyntax clause, string variable, string? awaitedCollection)
    {
        string Collection(TypeSyntax? type, ExpressionSyntax expression) =>
            "(" + (awaitedCollection ?? _rewriter.Rewrite(expression)) + ")" + (type is null ? "" : ".Cast<" + _rewriter.Rewrite(type) + ">()");
        switch (clause)
        {
            case LetClauseSyntax let:
                return $".Select({variable} => new {{ {variable}, {let.Identifier.Text} = {_rewriter.Rewrite(let.Expression)} }})";
            case FromClauseSyntax from:
                return $".SelectMany({variable} => {Collection(from.Type, from.Expression)}, ({variable}, {from.Identifier.Text}) => new {{ {variable}, {from.Identifier.Text} }})";
            case JoinClauseSyntax join:
                var added = join.Into?.Identifier.Text ?? join.Identifier.Text;
                return $".{(join.Into is null ? "Join" : "GroupJoin")}({Collection(join.Type, join.InExpression)}, {variable} => {_rewriter.Rewrite(join.LeftExpression)}, " +
                       $"{join.Identifier.Text} => {_rewriter.Rewrite(join.RightExpression)}, ({variable}, {added}) => new {{ {variable}, {added} }})";
            default:
                throw new UnsupportedConstructException(clause, "this query clause before an awaited join");
        }
    }

    /// <summary>
    /// Stores <paramref name="part"/>, the part of <paramref name="query"/> before the awaited <paramref name="join"/>, in a field of
    /// the type the join's call receives (<c>IEnumerable&lt;T&gt;</c> for LINQ to objects).
    /// </summary>
    private string StoreQueryPart(QueryExpressionSyntax query, JoinClauseSyntax join, string part, List<Stmt> output)
    {
        if (_model.GetQueryClauseInfo(join).OperationInfo.Symbol is not IMethodSymbol { ReceiverType: { } receiver })
            throw new UnsupportedConstructException(join, "an await in a join collection whose join method the generator cannot find");
        var field = NewValueField("query", receiver, join, "the part of a query before an awaited join, whose calls run before the await");
        output.Add(Code($"{field} = {part};", query));
        return field;
    }

    /// <summary>Emits the await and returns the name of its result, or null for a void await.</summary>
    private string? SpillAwait(AwaitExpressionSyntax await, List<Stmt> output, bool discard = false)
    {
        var shape = AwaitClassifier.Classify(_model, _method, await);
        string start;
        if (shape.EmbeddedMachine is { } callee)
            start = SpillInvocation((InvocationExpressionSyntax)await.Expression, output, PollAsyncShape.FactoryName(callee));
        else if (shape.Kind == AwaitKind.Awaiter)
            start = Parenthesize(await.Expression, Spill(await.Expression, output)) + ".GetAwaiter()";
        else
            start = Spill(await.Expression, output);

        var state = Awaits.Count + 1;
        var line = BodySyntax.Line(await);
        var field = _fields.Add(GeneratedNames.AwaitField(state, NameHint(await.Expression)), shape.FieldType, $"awaited at line {line}");
        if (shape.AnonymousFieldType is { } anonymous) field = _variables.Shapes.Access(field, anonymous, await);
        var description = string.Join(" ", await.Expression.ToString().Split(new[] { ' ', '\r', '\n', '\t' }, System.StringSplitOptions.RemoveEmptyEntries));
        var resultType = discard ? null : shape.ResultType;
        Awaits.Add(new AwaitSite(state, shape.Kind, field, shape.FieldType, resultType, start, line, description, _finallyStack.ToEquatableArray(), _variables.LiveAcross(await),
            AwaitClassifier.CancelsInPlace(shape, _model.GetTypeInfo(await.Expression).Type)));
        output.Add(new AwaitStmt(state));
        return resultType is null ? null : GeneratedNames.AwaitResult(state);
    }

    /// <summary><c>_sleep</c> for <c>Time.Sleep(...)</c>: fields read like the code that filled them.</summary>
    private static string NameHint(ExpressionSyntax expression)
    {
        var name = expression switch
        {
            InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax m } => m.Name.Identifier.ValueText,
            InvocationExpressionSyntax { Expression: SimpleNameSyntax n } => n.Identifier.ValueText,
            MemberAccessExpressionSyntax m => m.Name.Identifier.ValueText,
            IdentifierNameSyntax n => n.Identifier.ValueText,
            _ => "",
        };
        if (name.EndsWith("Async", System.StringComparison.Ordinal) && name.Length > 5) name = name.Substring(0, name.Length - 5);
        return name.Length == 0 ? "" : "_" + char.ToLowerInvariant(name[0]) + name.Substring(1);
    }

    private static string Parenthesize(ExpressionSyntax original, string text) =>
        original is InvocationExpressionSyntax or MemberAccessExpressionSyntax or IdentifierNameSyntax or
            ElementAccessExpressionSyntax or ParenthesizedExpressionSyntax
            ? text
            : "(" + text + ")";

    /// <summary>
    /// The value of <paramref name="expression"/>, stored in a field first when a later await of the same
    /// expression could otherwise run between its evaluation and its use.
    /// </summary>
    private string SpillOperand(ExpressionSyntax expression, bool laterAwait, List<Stmt> output)
    {
        var text = Spill(expression, output);
        if (!laterAwait || IsInvariant(expression)) return text;
        var type = _model.GetTypeInfo(expression).Type ?? _model.GetTypeInfo(expression).ConvertedType
            ?? throw new UnsupportedConstructException(expression, "an expression without a type before an await");
        var temp = NewValueField("spill", type, expression, "value computed before an await of the same expression");
        output.Add(Code($"{temp} = {text};", expression));
        return temp;
    }

    /// <summary>
    /// The collection of a spread element (<c>[.. xs, await y]</c>): C# enumerates it in its place, so before a later
    /// await its elements are copied into an array there.
    /// </summary>
    private string SpillSpread(ExpressionSyntax expression, bool laterAwait, List<Stmt> output)
    {
        var text = Spill(expression, output);
        if (!laterAwait) return text;
        var type = _model.GetTypeInfo(expression).Type;
        var enumerable = type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Collections_Generic_IEnumerable_T } named
            ? named
            : type?.AllInterfaces.FirstOrDefault(i => i.OriginalDefinition.SpecialType == SpecialType.System_Collections_Generic_IEnumerable_T);
        if (enumerable is null) throw new UnsupportedConstructException(expression, "a spread of a collection that is not an IEnumerable<T> before an await");
        var element = AwaitClassifier.TypeName(enumerable.TypeArguments[0], expression);
        var temp = NewField("spill", element + "[]", "elements of a spread, enumerated before a later await");
        output.Add(Code($"{temp} = global::System.Linq.Enumerable.ToArray<{element}>({text});", expression));
        return temp;
    }

    private bool IsInvariant(ExpressionSyntax expression) =>
        expression is LiteralExpressionSyntax or ThisExpressionSyntax or TypeOfExpressionSyntax or DefaultExpressionSyntax or
            AnonymousFunctionExpressionSyntax ||
        _model.GetConstantValue(expression).HasValue ||
        expression is SimpleNameSyntax or MemberAccessExpressionSyntax &&
        _model.GetSymbolInfo(expression).Symbol is INamespaceOrTypeSymbol or IMethodSymbol;

    /// <summary>
    /// The receiver of an access whose later operand awaits (<c>a[await i]++</c>, <c>box.Count += await v</c>,
    /// <c>list.Add(await v)</c>), like Roslyn's SpillSequenceSpiller: a struct held in a variable stays the variable
    /// (the access changes the variable, whatever it holds after the await); a reference is read before the await,
    /// so a variable reassigned meanwhile leaves the access on the object it held. Variables that cannot change
    /// (<c>this</c>, a readonly field of this object or a static one, a local or parameter the body never writes)
    /// are used as they are. Anything else is evaluated once into a field.
    /// </summary>
    private string SpillReceiver(ExpressionSyntax receiver, bool laterAwait, List<Stmt> output)
    {
        // `base.M(await x)`: the machine's this, which the helper of M is called on (a base indexer is no receiver).
        if (receiver is BaseExpressionSyntax) return _rewriter.Rewrite(receiver);
        if (laterAwait && SpillVariable(receiver, output) is { } variable) return variable;
        var symbol = _model.GetSymbolInfo(receiver).Symbol;
        if (symbol is INamespaceOrTypeSymbol || receiver is ThisExpressionSyntax) return Spill(receiver, output);
        if (symbol is not (ILocalSymbol or IParameterSymbol or IFieldSymbol)) return SpillOperand(receiver, laterAwait, output);
        var type = _model.GetTypeInfo(receiver).Type;
        if (!laterAwait || type is null || type.IsValueType || !MayChange(receiver, symbol)) return Spill(receiver, output);
        if (type.IsReferenceType) return SpillOperand(receiver, true, output);

        // A type parameter that may be a class or a struct: its value is copied before the await, and the access
        // goes to the copy when the type argument is a class, to the variable when it is a struct (as Roslyn does).
        var text = Spill(receiver, output);
        var copy = NewValueField("spill", type, receiver, "receiver of a class type argument, read before an await");
        output.Add(Code($"{copy} = {text};", receiver));
        return $"(default({AwaitClassifier.TypeName(type, receiver)}) == null ? ref {copy} : ref {text})";
    }

    /// <summary>Whether the variable <paramref name="receiver"/> names may hold another value after an await.</summary>
    private bool MayChange(ExpressionSyntax receiver, ISymbol symbol) => symbol switch
    {
        IFieldSymbol { IsReadOnly: true, IsStatic: true } => false,
        IFieldSymbol { IsReadOnly: true } => receiver is not (IdentifierNameSyntax or MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax }),
        IFieldSymbol => true,
        _ => _reassigned.IsReassigned(symbol),
    };

    /// <summary>
    /// A struct-typed array element or field reached through evaluated parts (<c>a[i]</c>, <c>o.f</c>, <c>a[i].f</c>),
    /// as a variable: the array, indices and objects are stored before a later await, and the text names the same
    /// storage afterwards, so a write goes to the element (C# spills the parts, never the struct value). Null for
    /// other expressions.
    /// </summary>
    private string? SpillVariable(ExpressionSyntax expression, List<Stmt> output)
    {
        if (_model.GetTypeInfo(expression).Type is not { IsValueType: true }) return null;
        switch (expression)
        {
            case ElementAccessExpressionSyntax element when _model.GetTypeInfo(element.Expression).Type is IArrayTypeSymbol:
                var array = SpillOperand(element.Expression, true, output);
                return array + "[" + SpillArgumentsBefore(element.ArgumentList.Arguments, true, output) + "]";
            case MemberAccessExpressionSyntax member when member.IsKind(SyntaxKind.SimpleMemberAccessExpression) &&
                                                        _model.GetSymbolInfo(member).Symbol is IFieldSymbol { IsStatic: false }:
                return SpillReceiver(member.Expression, true, output) + "." + _rewriter.Rewrite(member.Name);
            default:
                return null;
        }
    }

    /// <summary>
    /// <c>ref a[i]</c> or <c>ref o.f</c> before a later await: the array/object and indices are stored, and the
    /// element is read once so that a null array, a bad index or a null object throws here, in C#'s order.
    /// </summary>
    private string SpillRefArgument(ArgumentSyntax argument, List<Stmt> output)
    {
        var expression = argument.Expression;
        switch (expression)
        {
            case ElementAccessExpressionSyntax element when _model.GetTypeInfo(element.Expression).Type is IArrayTypeSymbol:
                var array = SpillOperand(element.Expression, true, output);
                var text = array + "[" + SpillArgumentsBefore(element.ArgumentList.Arguments, true, output) + "]";
                output.Add(Code($"_ = {text};", expression));
                return text;
            case MemberAccessExpressionSyntax member when member.IsKind(SyntaxKind.SimpleMemberAccessExpression) &&
                                                        _model.GetSymbolInfo(member).Symbol is IFieldSymbol { IsStatic: false }:
                var receiver = SpillReceiver(member.Expression, true, output);
                var field = receiver + "." + _rewriter.Rewrite(member.Name);
                output.Add(Code($"_ = {field};", expression));
                return field;
            case DeclarationExpressionSyntax:
                return _rewriter.Rewrite(expression);
            default:
                if (_model.GetSymbolInfo(expression).Symbol is ILocalSymbol or IParameterSymbol or IFieldSymbol { IsStatic: true } ||
                    expression is IdentifierNameSyntax && _model.GetSymbolInfo(expression).Symbol is IFieldSymbol)
                    return _rewriter.Rewrite(expression);
                throw new UnsupportedConstructException(argument, "a ref or out argument of this form before an await in the same call (store the await's result in a local first)");
        }
    }

    private List<string> SpillList(List<ExpressionSyntax> expressions, List<Stmt> output)
    {
        var texts = new List<string>();
        for (var i = 0; i < expressions.Count; i++)
            texts.Add(SpillOperand(expressions[i], expressions.Skip(i + 1).Any(ContainsAwait), output));
        return texts;
    }

    private string SpillArguments(SeparatedSyntaxList<ArgumentSyntax> arguments, List<Stmt> output)
    {
        var texts = new List<string>();
        for (var i = 0; i < arguments.Count; i++)
        {
            var argument = arguments[i];
            var prefix = (argument.NameColon is null ? "" : argument.NameColon.Name.Identifier.Text + ": ") +
                         (argument.RefKindKeyword.IsKind(SyntaxKind.None) ? "" : argument.RefKindKeyword.Text + " ");
            if (!argument.RefKindKeyword.IsKind(SyntaxKind.None))
            {
                if (ContainsAwait(argument.Expression)) throw new UnsupportedConstructException(argument, "an await inside a ref or out argument");
                var laterAwait = arguments.Skip(i + 1).Any(a => ContainsAwait(a));
                texts.Add(prefix + (laterAwait ? SpillRefArgument(argument, output) : _rewriter.Rewrite(argument.Expression)));
                continue;
            }
            var later = arguments.Skip(i + 1).Any(a => ContainsAwait(a));
            texts.Add(prefix + SpillOperand(argument.Expression, later, output));
        }
        return string.Join(", ", texts);
    }

    /// <summary>A call; for an embedded [PollAsync] callee, <c>factoryName</c> replaces the method name.</summary>
    private string SpillInvocation(InvocationExpressionSyntax invocation, List<Stmt> output, string? factoryName)
    {
        // A [PollAsync] call not awaited in place, with an await in its arguments: its machine, boxed.
        if (factoryName is null && BodyRewriter.PollAsyncCallee(_model, invocation) is { } boxedCallee)
        {
            var call = SpillInvocation(invocation, output, PollAsyncShape.FactoryName(boxedCallee));
            var (box, future) = PollAsyncShape.BoxTypes(boxedCallee);
            return $"(({future})new {box}({call}))";
        }

        var argumentsAwait = invocation.ArgumentList.Arguments.Any(a => ContainsAwait(a));
        string target;
        switch (invocation.Expression)
        {
            case MemberAccessExpressionSyntax { Expression: BaseExpressionSyntax } when factoryName is not null:
                target = _rewriter.BaseFactoryHelper(invocation, (IMethodSymbol)_model.GetSymbolInfo(invocation).Symbol!)!;
                break;
            case MemberAccessExpressionSyntax member when member.IsKind(SyntaxKind.SimpleMemberAccessExpression):
                var receiver = SpillReceiver(member.Expression, argumentsAwait, output);
                target = receiver + "." + (factoryName is null ? _rewriter.Rewrite(member.Name) : FactoryName(member.Name, factoryName));
                break;
            case SimpleNameSyntax name when factoryName is not null:
                var callee = (IMethodSymbol)_model.GetSymbolInfo(invocation).Symbol!;
                target = (callee.IsStatic ? "" : _thisAccess + ".") + FactoryName(name, factoryName);
                break;
            case SimpleNameSyntax name when _model.GetSymbolInfo(name).Symbol is not IMethodSymbol:
                // `d(await x)` with d a delegate variable: C# reads d first (and a local read before the await may not be kept).
                target = SpillOperand(name, argumentsAwait, output);
                break;
            case SimpleNameSyntax name:
                target = _rewriter.Rewrite(name);
                break;
            case MemberBindingExpressionSyntax binding when factoryName is null && _conditionalReceivers.Count > 0:
                target = RewriteBound(binding);
                break;
            case MemberBindingExpressionSyntax:
                throw new UnsupportedConstructException(invocation, "an await inside a null-conditional call");
            default:
                target = SpillOperand(invocation.Expression, argumentsAwait, output);
                break;
        }
        // A local function receiving per-iteration variables gets them first, as the unspilled call (BodyRewriter).
        var copies = factoryName is null ? _rewriter.LocalFunctionCopyArguments(invocation) : [];
        var arguments = WithCallerInfo(SpillArguments(invocation.ArgumentList.Arguments, output), invocation);
        return target + "(" + string.Join(", ", copies.Append(arguments).Where(a => a.Length > 0)) + ")";
    }

    /// <summary>Spilled <paramref name="arguments"/> followed by the caller information C# computes for <paramref name="call"/> (<see cref="CallerInfoArguments"/>).</summary>
    private string WithCallerInfo(string arguments, SyntaxNode call) =>
        string.Join(", ", new[] { arguments }.Where(a => a.Length > 0).Concat(CallerInfoArguments.Of(_model, call)));

    private string FactoryName(SimpleNameSyntax name, string factoryName) =>
        factoryName + (name is GenericNameSyntax generic ? _rewriter.Rewrite(generic.TypeArgumentList) : "");

    private string SpillShortCircuit(BinaryExpressionSyntax binary, List<Stmt> output)
    {
        // Only an await on the right needs the branch; one on the left just runs first (and keeps pattern
        // variables of the left definitely assigned on the right).
        if (!ContainsAwait(binary.Right))
            return Spill(binary.Left, output) + " " + binary.OperatorToken.Text + " " + _rewriter.Rewrite(binary.Right);
        if (_model.GetSymbolInfo(binary).Symbol is IMethodSymbol { MethodKind: MethodKind.UserDefinedOperator } userDefined)
        {
            // C# decides with the type's `operator false`/`operator true` and combines with `&`/`|`; generated code
            // can call neither by name (CS0571), and a bool branch would not even compile.
            throw new UnsupportedConstructException(binary,
                $"a user-defined '{binary.OperatorToken.Text}' of '{userDefined.ContainingType.Name}' whose right operand awaits (C# tests the left " +
                $"with the type's operator {(binary.IsKind(SyntaxKind.LogicalAndExpression) ? "false" : "true")}, which generated code cannot call: " +
                "test the left operand with an if statement and await the right one inside it)");
        }
        var temp = NewField("spill", "bool", $"value of '{binary.OperatorToken.Text}' around an await");
        var isAnd = binary.IsKind(SyntaxKind.LogicalAndExpression);
        var left = Spill(binary.Left, output);
        var right = new List<Stmt>();
        right.Add(Code($"{temp} = {Spill(binary.Right, right)};", binary.Right));
        if (binary.Left.DescendantNodesAndSelf().Any(n => n is SingleVariableDesignationSyntax))
        {
            // `o is int n && n > await x`: the branch tests the left itself, so that its pattern variables are
            // definitely assigned inside it as C# has them on the right (a stored bool would lose that: CS0165).
            output.Add(Code($"{temp} = {(isAnd ? "false" : "true")};", binary.Left));
            output.Add(new IfStmt(isAnd ? left : $"!({left})", BodySyntax.Line(binary), Block(right), null));
            return temp;
        }
        output.Add(Code($"{temp} = {left};", binary.Left));
        output.Add(new IfStmt(isAnd ? temp : "!" + temp, BodySyntax.Line(binary), Block(right), null));
        return temp;
    }

    private string SpillCoalesce(BinaryExpressionSyntax binary, List<Stmt> output)
    {
        var resultType = _model.GetTypeInfo(binary).Type ?? throw new UnsupportedConstructException(binary, "this '??' expression");
        var leftType = _model.GetTypeInfo(binary.Left).Type ?? throw new UnsupportedConstructException(binary, "this '??' expression");
        var left = NewValueField("spill", leftType, binary.Left, "left side of '??' around an await");
        var result = NewValueField("spill", resultType, binary, "value of '??' around an await");
        output.Add(Code($"{left} = {Spill(binary.Left, output)};", binary.Left));
        var whenNull = new List<Stmt>();
        whenNull.Add(AssignBranch(result, binary.Right, whenNull));
        var whenNotNull = new List<Stmt> { Synthesized($"{result} = {left} ?? default!;") };
        output.Add(new IfStmt($"{left} is null", BodySyntax.Line(binary), Block(whenNull), Block(whenNotNull)));
        return result;
    }

    private string SpillConditional(ConditionalExpressionSyntax conditional, List<Stmt> output)
    {
        var condition = AsBoolean(conditional.Condition, Spill(conditional.Condition, output));
        if (!ContainsAwait(conditional.WhenTrue) && !ContainsAwait(conditional.WhenFalse))
            return condition + " ? " + _rewriter.Rewrite(conditional.WhenTrue) + " : " + _rewriter.Rewrite(conditional.WhenFalse);
        var type = _model.GetTypeInfo(conditional).Type ?? _model.GetTypeInfo(conditional).ConvertedType
            ?? throw new UnsupportedConstructException(conditional, "this conditional expression");
        var result = NewValueField("spill", type, conditional, "value of '?:' around an await");
        var whenTrue = new List<Stmt>();
        whenTrue.Add(AssignBranch(result, conditional.WhenTrue, whenTrue));
        var whenFalse = new List<Stmt>();
        whenFalse.Add(AssignBranch(result, conditional.WhenFalse, whenFalse));
        output.Add(new IfStmt(condition, BodySyntax.Line(conditional), Block(whenTrue), Block(whenFalse)));
        return result;
    }

    /// <summary>
    /// <c>result = value;</c> in a branch of a taken-apart <c>??</c>, <c>?:</c> or switch expression, or <c>throw e;</c> when the value is a
    /// throw expression, which C# allows only as a whole operand, never as the right of an assignment (CS8115).
    /// </summary>
    private Stmt AssignBranch(string result, ExpressionSyntax value, List<Stmt> branch) =>
        value is ThrowExpressionSyntax @throw
            ? Code($"throw {Spill(@throw.Expression, branch)};", value)
            : Code($"{result} = {Spill(value, branch)};", value);

    /// <summary>
    /// A switch expression with an await in an arm: the arms are tested in order as an if/else chain on the
    /// stored value, and no match throws like C# does.
    /// </summary>
    private string SpillSwitchExpression(SwitchExpressionSyntax @switch, List<Stmt> output)
    {
        var governingType = _model.GetTypeInfo(@switch.GoverningExpression).Type ?? throw new UnsupportedConstructException(@switch, "this switch expression");
        var resultType = _model.GetTypeInfo(@switch).Type ?? _model.GetTypeInfo(@switch).ConvertedType ?? throw new UnsupportedConstructException(@switch, "this switch expression");
        var value = NewValueField("spill", governingType, @switch.GoverningExpression, "value switched on around an await");
        var result = NewValueField("spill", resultType, @switch, "value of a switch expression around an await");
        output.Add(Code($"{value} = {Spill(@switch.GoverningExpression, output)};", @switch.GoverningExpression));
        var noMatch = new BlockStmt(new EquatableArray<Stmt>(new Stmt[]
        {
            Synthesized($"throw new global::System.Runtime.CompilerServices.SwitchExpressionException({value});"),
        }));
        if (@switch.Arms.Any(a => a.WhenClause is { } when && ContainsAwait(when)))
        {
            var reads = PlanPatternReads(@switch.Arms.Select(a => a.Pattern is DiscardPatternSyntax && a.WhenClause is null ? null : a.Pattern).ToList(),
                @switch.Arms.Select(a => a.WhenClause is { } when && ContainsAwait(when)).ToList(), eachApart: true, output);
            output.Add(SwitchOnArms(@switch, value, result, noMatch, reads));
            return result;
        }
        // Arms are spilled in source order (state numbers follow the source), then chained from the last.
        var arms = new List<(string Condition, int Line, BlockStmt Body)>();
        foreach (var arm in @switch.Arms)
        {
            // 'x is _' would name a type called '_': the discard arm matches everything.
            var test = arm.Pattern is DiscardPatternSyntax ? "true" : _rewriter.IsPattern(value, arm.Pattern);
            var condition = test + (arm.WhenClause is null ? "" : $" && ({_rewriter.Rewrite(arm.WhenClause.Condition)})");
            var body = new List<Stmt>();
            body.Add(AssignBranch(result, arm.Expression, body));
            arms.Add((condition, BodySyntax.Line(arm), Block(body)));
        }
        var chain = noMatch;
        for (var i = arms.Count - 1; i >= 0; i--)
            chain = Block(new List<Stmt> { new IfStmt(arms[i].Condition, arms[i].Line, arms[i].Body, chain) });
        output.AddRange(chain.Statements);
        return result;
    }

    /// <summary>
    /// A switch expression whose arm guards await: a flattened switch whose labels, one for each arm, the lowering
    /// tests in order (<see cref="SwitchLabelModel"/>): the pattern, then the guard, which may suspend. Each section
    /// stores its arm's value and leaves; none matching throws like C#.
    /// </summary>
    private SwitchStmt SwitchOnArms(SwitchExpressionSyntax @switch, string value, string result, BlockStmt noMatch, PatternReads reads)
    {
        var exit = GeneratedNames.SwitchBreakLabel(NextLabelNumber());
        var sections = new List<SwitchSectionModel>();
        var matchesAll = false;
        foreach (var arm in @switch.Arms)
        {
            SwitchLabelModel label;
            if (arm.Pattern is DiscardPatternSyntax && arm.WhenClause is null)
            {
                // `_ =>` is the last arm (C# rejects arms after it, CS8510): it is the switch's default.
                label = new SwitchLabelModel("default:", BodySyntax.Line(arm), null);
                matchesAll = true;
            }
            else
            {
                // 'x is _' would name a type called '_': the discard arm matches everything.
                var shared = arm.Pattern is not DiscardPatternSyntax && reads.Reads(arm.Pattern);
                var test = arm.Pattern is DiscardPatternSyntax ? "true" : shared ? reads.Test(value, arm.Pattern) : _rewriter.IsPattern(value, arm.Pattern);
                var guard = new List<Stmt>();
                string? condition = null;
                if (arm.WhenClause is { } when && ContainsAwait(when)) condition = Spill(when.Condition, guard);
                else if (arm.WhenClause is { } plain) test += $" && ({_rewriter.Rewrite(plain.Condition)})";
                label = new SwitchLabelModel(test, BodySyntax.Line(arm), new LabelTestModel(Block(guard), condition));
            }
            var body = new List<Stmt>();
            body.Add(AssignBranch(result, arm.Expression, body));
            body.Add(Synthesized($"goto {exit};"));
            sections.Add(new SwitchSectionModel(new EquatableArray<SwitchLabelModel>(new[] { label }), Block(body)));
        }
        if (!matchesAll)
        {
            var noArm = new SwitchLabelModel("default:", BodySyntax.Line(@switch), null);
            sections.Add(new SwitchSectionModel(new EquatableArray<SwitchLabelModel>(new[] { noArm }), noMatch));
        }
        return new SwitchStmt(value, BodySyntax.Line(@switch), sections.ToEquatableArray(), exit);
    }

    private string SpillAssignment(AssignmentExpressionSyntax assignment, List<Stmt> output)
    {
        var rightAwaits = ContainsAwait(assignment.Right);
        if (assignment.IsKind(SyntaxKind.CoalesceAssignmentExpression) && rightAwaits)
            return SpillCoalesceAssignment(assignment, output, discard: false)!;
        if (assignment.Left is ElementAccessExpressionSyntax { Expression: BaseExpressionSyntax } baseElement &&
            _model.GetSymbolInfo(baseElement).Symbol is IPropertySymbol { RefKind: RefKind.None } indexer)
        {
            // `base[i] = await v;`: the indices, then the value, then the setter's helper (BodyRewriter.VisitAssignmentExpression).
            if (!assignment.IsKind(SyntaxKind.SimpleAssignmentExpression) || assignment.Parent is not ExpressionStatementSyntax)
                throw new UnsupportedConstructException(assignment, "a base indexer assigned inside an expression or by a compound assignment (write 'var item = base[i];', then 'base[i] = item + 1;' as a statement)");
            var indices = SpillArgumentsBefore(baseElement.ArgumentList.Arguments, rightAwaits, output);
            return _rewriter.BaseIndexerWrite(baseElement, indexer, indices, Spill(assignment.Right, output));
        }
        var target = SpillAssignable(assignment.Left, rightAwaits, output);
        if (assignment.IsKind(SyntaxKind.SimpleAssignmentExpression))
            return target + " = " + Spill(assignment.Right, output);
        if (_model.GetSymbolInfo(assignment.Left).Symbol is IEventSymbol)
            // `box.Changed += await handler`: the receiver, then the handler, then the accessor, like C#; an event has
            // no value to read before the await (and its '+=' is a statement, never a value).
            return target + " " + assignment.OperatorToken.Text + " " + Spill(assignment.Right, output);

        // x op= await y reads x before the await, like C#.
        var type = _model.GetTypeInfo(assignment.Left).Type ?? throw new UnsupportedConstructException(assignment, "this compound assignment");
        if (_model.GetSymbolInfo(assignment).Symbol is IMethodSymbol { IsStatic: false, MethodKind: MethodKind.UserDefinedOperator })
        {
            // C# 14's instance compound assignment operator (`void operator +=(int amount)`) is called on the target,
            // which is not assigned: a class's reference is read before the await, a struct is changed in place.
            if (!type.IsReferenceType) return target + " " + assignment.OperatorToken.Text + " " + Spill(assignment.Right, output);
            var receiver = NewField("spill", AwaitClassifier.TypeName(type, assignment.Left), "target of a compound assignment operator around an await");
            output.Add(Code($"{receiver} = {target};", assignment.Left));
            return receiver + " " + assignment.OperatorToken.Text + " " + Spill(assignment.Right, output);
        }
        var typeName = AwaitClassifier.TypeName(type, assignment.Left);
        var before = NewField("spill", typeName, "left value of a compound assignment around an await");
        output.Add(Code($"{before} = {target};", assignment.Left));
        var op = assignment.OperatorToken.Text.Substring(0, assignment.OperatorToken.Text.Length - 1);
        return $"{target} = " + InOverflowContext(assignment, $"({typeName})({before} {op} ({Spill(assignment.Right, output)}))");
    }

    /// <summary>
    /// <c>x ??= await y</c>: the target's parts are evaluated and its value read once; only when it is null does the
    /// right side run (and await) and get stored, like C#. Returns the value of the expression, or null when
    /// <paramref name="discard"/> (an expression statement, whose value nobody reads).
    /// </summary>
    private string? SpillCoalesceAssignment(AssignmentExpressionSyntax assignment, List<Stmt> output, bool discard)
    {
        var target = SpillAssignable(assignment.Left, true, output);
        var leftType = _model.GetTypeInfo(assignment.Left).Type ?? throw new UnsupportedConstructException(assignment, "this '??=' expression");
        var before = NewValueField("spill", leftType, assignment.Left, "left value of '??=' around an await");
        output.Add(Code($"{before} = {target};", assignment.Left));
        string? result = null, resultTypeName = null;
        if (!discard)
        {
            var resultType = _model.GetTypeInfo(assignment).Type ?? throw new UnsupportedConstructException(assignment, "this '??=' expression");
            resultTypeName = AwaitClassifier.TypeName(resultType, assignment);
            result = NewField("spill", resultTypeName, "value of '??=' around an await");
        }
        var whenNull = new List<Stmt>();
        var store = $"{target} = {Spill(assignment.Right, whenNull)}";
        whenNull.Add(Code(result is null ? store + ";" : $"{result} = ({resultTypeName})({store});", assignment.Right));
        var whenNotNull = result is null ? null : Block(new List<Stmt> { Synthesized($"{result} = {before} ?? default!;") });
        output.Add(new IfStmt($"{before} is null", BodySyntax.Line(assignment), Block(whenNull), whenNotNull));
        return result;
    }

    /// <summary>
    /// <c>r with { X = await a }</c>: the record, then the values in order, are stored before the copy is made. C#
    /// copies a null record (and throws) before the values run, so the null check stays there.
    /// </summary>
    private string SpillWith(WithExpressionSyntax with, List<Stmt> output)
    {
        var receiver = SpillOperand(with.Expression, true, output);
        if (_model.GetTypeInfo(with.Expression).Type is { IsReferenceType: true })
            output.Add(Code($"if ({receiver} is null) throw new global::System.NullReferenceException();", with.Expression));
        var assignments = with.Initializer.Expressions.Cast<AssignmentExpressionSyntax>().ToList();
        var values = SpillList(assignments.Select(a => a.Right).ToList(), output);
        var members = assignments.Select((a, i) => ((IdentifierNameSyntax)a.Left).Identifier.Text + " = " + values[i]);
        return $"{receiver} with {{ {string.Join(", ", members)} }}";
    }

    /// <summary>
    /// <c>a?.M(await x)</c>, <c>a?[await i]</c>, <c>a?.B.M(await x).C</c>: the receiver is evaluated once; only when it
    /// is not null does the rest run (and await), with the receiver's value in place of the leading <c>.B</c> or
    /// <c>[i]</c> (see <see cref="RewriteBound"/>), like C#. Returns the value (default when null), or null when
    /// <paramref name="discard"/> (an expression statement).
    /// </summary>
    private string? SpillConditionalAccess(ConditionalAccessExpressionSyntax access, List<Stmt> output, bool discard)
    {
        var receiverType = _model.GetTypeInfo(access.Expression).Type;
        if (receiverType is null or ITypeParameterSymbol)
            throw new UnsupportedConstructException(access, "an await inside a null-conditional access ('?.') on this receiver");
        var receiver = NewValueField("spill", receiverType, access.Expression, "receiver of '?.' around an await");
        output.Add(Code($"{receiver} = {Spill(access.Expression, output)};", access.Expression));
        // A nullable struct, known not null here: GetValueOrDefault() as C#'s own lowering, since '.Value' on a field
        // read after the await's label gets nullable warning CS8629 at the user's line (the analysis forgets the test).
        var value = receiverType.IsValueType ? receiver + ".GetValueOrDefault()" : receiver;
        string? result = null;
        if (!discard)
        {
            var type = _model.GetTypeInfo(access).Type;
            if (type is null || type.SpecialType == SpecialType.System_Void)
                throw new UnsupportedConstructException(access, "an await inside a null-conditional access ('?.') on this receiver");
            result = NewValueField("spill", type, access, "value of '?.' around an await");
        }
        var binding = access.WhenNotNull.DescendantNodesAndSelf()
            .First(n => n is MemberBindingExpressionSyntax or ElementBindingExpressionSyntax && n.Ancestors().OfType<ConditionalAccessExpressionSyntax>().First(c => c.WhenNotNull.Span.Contains(n.Span)) == access);
        var whenNotNull = new List<Stmt>();
        _conditionalReceivers.Push((binding, value));
        if (discard && access.WhenNotNull is ConditionalAccessExpressionSyntax { WhenNotNull: var rest } inner && ContainsAwait(rest))
        {
            // `a?.B?.M(await x);`, `a?.B?.Name = await x;`: the inner access is a statement too (its value is no statement).
            SpillConditionalAccess(inner, whenNotNull, discard: true);
        }
        else
        {
            var text = Spill(access.WhenNotNull, whenNotNull);
            whenNotNull.Add(Code(result is null ? text + ";" : $"{result} = {text};", access.WhenNotNull));
        }
        _conditionalReceivers.Pop();
        var whenNull = result is null ? null : Block(new List<Stmt> { Synthesized($"{result} = default;") });
        output.Add(new IfStmt($"{receiver} is not null", BodySyntax.Line(access), Block(whenNotNull), whenNull));
        return result;
    }

    /// <summary>
    /// <c>checked(a * b + await x)</c>: the operators the expression applies after its awaits are inside the
    /// <c>checked(...)</c> written around the result; every part computed on its own (spilled before an await, or the
    /// awaited expression itself) is written inside a <c>checked(...)</c> of its own (<see cref="RewriteBound"/>), so
    /// each operation still runs in the context the user gave it.
    /// </summary>
    private string SpillChecked(CheckedExpressionSyntax @checked, List<Stmt> output)
    {
        var keyword = @checked.Keyword.ValueText;
        _checkedContexts.Push(keyword);
        try
        {
            return keyword + "(" + Spill(@checked.Expression, output) + ")";
        }
        finally
        {
            _checkedContexts.Pop();
        }
    }

    /// <summary>
    /// An operation written here by parts (<c>__spill * __r1</c>) inside a checked/unchecked block that awaits: in a
    /// <c>checked(...)</c> of its own, since the block's keyword is not in the output (see <see cref="OverflowContext"/>).
    /// </summary>
    private string InOverflowContext(ExpressionSyntax original, string text) =>
        OverflowContext.Apply(_model, original, _awaitContainers, text);

    /// <summary>
    /// The rewritten text of an expression without an await. Inside the part of a null-conditional access that
    /// <see cref="SpillConditionalAccess"/> takes apart, an expression holding its leading binding (<c>.B</c>,
    /// <c>[i]</c>, always the leftmost token) gets the tested receiver in front.
    /// </summary>
    private string RewriteBound(ExpressionSyntax expression)
    {
        var text = _rewriter.Rewrite(expression);
        if (_checkedContexts.Count > 0 && HasContextDependentOperation(expression))
            text = _checkedContexts.Peek() + "(" + text + ")";
        foreach (var (binding, receiver) in _conditionalReceivers)
            if (expression.Span.Contains(binding.Span) && expression.SpanStart == binding.SpanStart) return receiver + text;
        return text;
    }

    /// <summary>Arithmetic, increments, negation or a cast outside nested functions: what checked/unchecked changes.</summary>
    private static bool HasContextDependentOperation(ExpressionSyntax expression) =>
        expression.DescendantNodesAndSelf(n => !BodySyntax.IsNestedFunction(n)).Any(n => n is CastExpressionSyntax or
            PostfixUnaryExpressionSyntax or PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.UnaryMinusExpression or (int)SyntaxKind.PreIncrementExpression or (int)SyntaxKind.PreDecrementExpression } ||
            n is BinaryExpressionSyntax binary && binary.Kind() is SyntaxKind.AddExpression or SyntaxKind.SubtractExpression or SyntaxKind.MultiplyExpression or SyntaxKind.DivideExpression ||
            n is AssignmentExpressionSyntax assignment && assignment.Kind() is SyntaxKind.AddAssignmentExpression or SyntaxKind.SubtractAssignmentExpression or SyntaxKind.MultiplyAssignmentExpression or SyntaxKind.DivideAssignmentExpression);

    /// <summary>The assignment target with its receiver and indices evaluated before the right side.</summary>
    private string SpillAssignable(ExpressionSyntax left, bool laterAwait, List<Stmt> output)
    {
        switch (left)
        {
            case MemberAccessExpressionSyntax member when laterAwait || ContainsAwait(member.Expression):
                // `points[await i].X = v`: the target's own awaits run first, then the right side (which may await too).
                return SpillReceiver(member.Expression, laterAwait, output) + "." + _rewriter.Rewrite(member.Name);
            case ElementAccessExpressionSyntax element when laterAwait || ContainsAwait(element):
                var receiver = SpillReceiver(element.Expression, laterAwait || element.ArgumentList.Arguments.Any(ContainsAwait), output);
                return receiver + "[" + SpillArgumentsBefore(element.ArgumentList.Arguments, laterAwait, output) + "]";
            case TupleExpressionSyntax tuple when laterAwait || ContainsAwait(tuple):
                // `(a[i()], b.P) = (await x, await y)`: every target's receiver and index, left to right, before the
                // right side, like C#.
                var laterTargetAwaits = laterAwait || ContainsAwait(tuple);
                return "(" + string.Join(", ", tuple.Arguments.Select(a => SpillAssignable(a.Expression, laterTargetAwaits, output))) + ")";
            default:
                if (ContainsAwait(left)) throw new UnsupportedConstructException(left, "an await inside an assignment target");
                // `a?.Name = await x` (C# 14): the target `.Name` is bound to the tested receiver.
                return RewriteBound(left);
        }
    }

    private string SpillObjectCreation(BaseObjectCreationExpressionSyntax creation, List<Stmt> output)
    {
        var type = _model.GetTypeInfo(creation).Type ?? throw new UnsupportedConstructException(creation, "this object creation");
        var typeName = AwaitClassifier.TypeName(type, creation);
        var initializerAwaits = creation.Initializer is { } init && ContainsAwait(init);
        var arguments = creation.ArgumentList is null ? "" : SpillArgumentsBefore(creation.ArgumentList.Arguments, initializerAwaits, output);
        var created = $"new {typeName}({WithCallerInfo(arguments, creation)})";
        if (creation.Initializer is null) return created;
        if (!initializerAwaits) return created + " " + _rewriter.Rewrite(creation.Initializer);

        if (HasRequiredMembers(type) && !(_model.GetSymbolInfo(creation).Symbol is IMethodSymbol constructor && SetsRequiredMembers(constructor)))
        {
            // `new T(...)` alone, before the awaits, would not set the required members (CS9035).
            throw new UnsupportedConstructException(creation,
                $"an object initializer that awaits, of '{type.Name}', which has required members (generated code creates the object " +
                "before the awaits and sets its members after them, which C# forbids for required members: await the values into " +
                "locals first, then write the initializer with them)");
        }
        var temp = NewField("spill", typeName, "object being initialized around an await");
        output.Add(Code($"{temp} = {created};", creation));
        SpillInitializer(temp, creation.Initializer, output);
        return temp;
    }

    private static bool HasRequiredMembers(ITypeSymbol type)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            if (current.GetMembers().Any(m => m is IPropertySymbol { IsRequired: true } or IFieldSymbol { IsRequired: true })) return true;
        }
        return false;
    }

    private static bool SetsRequiredMembers(IMethodSymbol constructor) =>
        constructor.GetAttributes().Any(a => a.AttributeClass is { Name: "SetsRequiredMembersAttribute" });

    /// <summary>
    /// <c>new { order.Id, Total = await Sum(order) }</c>: the members' values in order, then the object over them. A
    /// spilled value loses the name C# infers from it (<c>order.Id</c> → <c>Id</c>), so every member is written
    /// named, as the semantic model names it; the anonymous type stays the same (same names, types and order).
    /// </summary>
    private string SpillAnonymousObject(AnonymousObjectCreationExpressionSyntax anonymous, List<Stmt> output)
    {
        var values = SpillList(anonymous.Initializers.Select(m => m.Expression).ToList(), output);
        var members = anonymous.Initializers.Select((m, i) =>
            (GeneratedNames.Escaped(_model.GetDeclaredSymbol(m)?.Name ?? throw new UnsupportedConstructException(m, "this anonymous type member"))) + " = " + values[i]);
        return "new { " + string.Join(", ", members) + " }";
    }

    /// <summary>
    /// AG0005 at <paramref name="element"/> when it sets an init-only property or indexer: the object is created before
    /// the initializer's awaits and its members are set afterwards, which an init accessor forbids outside an object
    /// initializer (CS8852).
    /// </summary>
    private static void RejectInitOnly(ISymbol? member, SyntaxNode element)
    {
        if (member is not IPropertySymbol { SetMethod.IsInitOnly: true } initOnly) return;
        var name = initOnly.IsIndexer ? "indexer 'this[" + string.Join(", ", initOnly.Parameters.Select(p => p.Type.ToDisplayString())) + "]'" : "'" + initOnly.Name + "'";
        throw new UnsupportedConstructException(element,
            $"an object initializer that awaits and sets the init-only {name} (generated code creates the object " +
            "before the awaits and sets its members after them, which only an object initializer may do for an init accessor: " +
            $"await the values into locals first, then write the initializer with them)");
    }

    /// <summary>Applies an object or collection initializer element by element to <paramref name="target"/>.</summary>
    private void SpillInitializer(string target, InitializerExpressionSyntax initializer, List<Stmt> output)
    {
        foreach (var element in initializer.Expressions)
        {
            switch (element)
            {
                case AssignmentExpressionSyntax { Left: IdentifierNameSyntax member, Right: InitializerExpressionSyntax nested }:
                    SpillInitializer($"{target}.{member.Identifier.Text}", nested, output);
                    break;
                case AssignmentExpressionSyntax { Left: IdentifierNameSyntax member } assignment when assignment.IsKind(SyntaxKind.SimpleAssignmentExpression):
                    RejectInitOnly(_model.GetSymbolInfo(member).Symbol, element);
                    output.Add(Code($"{target}.{member.Identifier.Text} = {Spill(assignment.Right, output)};", element));
                    break;
                case AssignmentExpressionSyntax { Left: ImplicitElementAccessSyntax index } assignment when assignment.IsKind(SyntaxKind.SimpleAssignmentExpression):
                    RejectInitOnly((_model.GetOperation(index) as IPropertyReferenceOperation)?.Property, element);
                    var indexText = SpillArgumentsBefore(index.ArgumentList.Arguments, ContainsAwait(assignment.Right), output);
                    output.Add(Code($"{target}[{indexText}] = {Spill(assignment.Right, output)};", element));
                    break;
                case InitializerExpressionSyntax complex when complex.IsKind(SyntaxKind.ComplexElementInitializerExpression):
                    output.Add(Code($"{target}.Add({string.Join(", ", SpillList(complex.Expressions.ToList(), output))});", element));
                    break;
                case AssignmentExpressionSyntax or InitializerExpressionSyntax:
                    throw new UnsupportedConstructException(element, "this initializer around an await");
                default:
                    output.Add(Code($"{target}.Add({Spill(element, output)});", element));
                    break;
            }
        }
    }

    /// <summary>Arguments, all stored when something after them (an initializer) awaits.</summary>
    private string SpillArgumentsBefore(SeparatedSyntaxList<ArgumentSyntax> arguments, bool laterAwait, List<Stmt> output)
    {
        if (!laterAwait) return SpillArguments(arguments, output);
        return string.Join(", ", arguments.Select(a =>
            (a.NameColon is null ? "" : a.NameColon.Name.Identifier.Text + ": ") + SpillOperand(a.Expression, true, output)));
    }

    private string SpillInterpolatedString(InterpolatedStringExpressionSyntax interpolated, List<Stmt> output)
    {
        var contents = interpolated.Contents;
        return StringLiterals.Interpolated(interpolated, interpolation =>
        {
            var later = contents.Skip(contents.IndexOf(interpolation) + 1).Any(ContainsAwait);
            return StringLiterals.Hole(SpillOperand(interpolation.Expression, later, output)) +
                   (interpolation.AlignmentClause is { } alignment ? "," + _rewriter.Rewrite(alignment.Value) : "");
        });
    }
}
