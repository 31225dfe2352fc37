using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using AsyncGen.Generator.Model;
using AsyncGen.Generator.Parsing;

namespace AsyncGen.Generator.Rewriting;

/// <summary>
/// Turns a method body into the statement model (<see cref="Stmt"/>): statements without an await are rewritten
/// verbatim, statements with one are taken apart (this file), and awaits inside expressions are spilled
/// (<c>BodyBuilder.Spilling.cs</c>). Anything it cannot lower raises <see cref="UnsupportedConstructException"/>.
/// </summary>
internal sealed partial class BodyBuilder
{
    private readonly SemanticModel _model;
    private readonly SyntaxNode _body;
    private readonly IMethodSymbol _method;
    private readonly VariableTable _variables;
    private readonly MachineFields _fields;
    private readonly BodyRewriter _rewriter;
    private readonly JumpTable _jumps;
    private readonly HashSet<SyntaxNode> _awaitContainers;
    private readonly UserLabels _labels;
    private readonly ReassignedVariables _reassigned;
    private readonly string _readyFormat;
    private readonly string? _thisAccess;
    private readonly bool _returnsUnit;
    private readonly List<int> _finallyStack = new();
    private readonly HashSet<SyntaxNode> _enteredScopes = new();
    private readonly Stack<(SyntaxNode Binding, string Receiver)> _conditionalReceivers = new();
    private readonly Stack<string> _checkedContexts = new();
    private int _nextLabel = 1;
    private int _nextTry = 1;

    public BodyBuilder(ParsedMethod parsed, VariableTable variables, MachineFields fields, JumpTable jumps)
    {
        _model = parsed.Model;
        _body = parsed.Body;
        _method = parsed.Method;
        _variables = variables;
        _fields = fields;
        _jumps = jumps;
        _readyFormat = parsed.ReadyFormat;
        _thisAccess = parsed.ThisAccess;
        _returnsUnit = parsed.Header.ReturnsUnit;
        _awaitContainers = BodySyntax.AwaitContainers(_body);
        _labels = new UserLabels(_body);
        _reassigned = new ReassignedVariables(_model, _body);
        BaseAccessors = new BaseAccessors(parsed.Header.StructName, _method.ContainingType, _model.Compilation);
        _rewriter = new BodyRewriter(_model, _method.ContainingType, variables, jumps, _thisAccess, _body, _awaitContainers, _labels, SynthesizedDelegates, BaseAccessors);
    }

    /// <summary>The helpers of the user's type through which the machine reaches base members.</summary>
    public BaseAccessors BaseAccessors { get; }

    public List<AwaitSite> Awaits { get; } = new();

    /// <summary>The delegate types the machine declares for lambdas whose natural type C# synthesizes.</summary>
    public SynthesizedDelegates SynthesizedDelegates => _variables.SynthesizedDelegates;

    public List<FinallyModel> FinallyMethods { get; } = new();

    /// <summary>The user's finally blocks that await, which Dispose enters (state numbers are given after the awaits').</summary>
    public List<CancelEntry> CancelEntries { get; } = new();

    /// <summary>The field recording the await Dispose cancelled, when catch clauses must test it; else null.</summary>
    public string? CancelledAtField { get; private set; }

    /// <summary>Lines of the <c>await using</c> resources whose DisposeAsync Dispose starts without waiting for it.</summary>
    public List<int> StartedDisposalLines { get; } = new();

    public BlockStmt Build()
    {
        var output = new List<Stmt>();
        switch (_body)
        {
            case BlockSyntax block:
                BuildBlock(block, output);
                break;
            case ArrowExpressionClauseSyntax arrow when _returnsUnit:
                BuildExpressionStatement(arrow.Expression, output);
                break;
            case ArrowExpressionClauseSyntax arrow:
                output.Add(Code("return " + string.Format(_readyFormat, Spill(arrow.Expression, output)) + ";", arrow));
                break;
        }
        // Every block with a closure of its own must have been taken apart (it holds an await), or its lambdas
        // would share one closure across iterations.
        if (_variables.ScopeClosures.FirstOrDefault(c => !_enteredScopes.Contains(c.Scope)) is { } missed)
            throw new UnsupportedConstructException(missed.Scope, "a block whose variables are captured by lambdas, inside a loop that awaits");
        return new BlockStmt(output.ToEquatableArray());
    }

    private bool ContainsAwait(SyntaxNode node) => _awaitContainers.Contains(node);

    private CodeStmt Code(string text, SyntaxNode origin) => new(text, BodySyntax.Line(origin));

    private static CodeStmt Synthesized(string text) => new(text, 0);

    private int NextLabelNumber() => _nextLabel++;

    private BlockStmt Block(List<Stmt> statements) => new(statements.ToEquatableArray());

    private BlockStmt BuildEmbedded(StatementSyntax statement)
    {
        var output = new List<Stmt>();
        if (statement is BlockSyntax block) BuildBlock(block, output);
        else BuildStatement(statement, output);
        return Block(output);
    }

    /// <summary>A block; one inside a loop whose variables lambdas capture starts by creating their closure.</summary>
    private void BuildBlock(BlockSyntax block, List<Stmt> output)
    {
        if (_variables.ScopeClosureOf(block) is { } closure)
        {
            output.Add(Code($"{closure.Field} = new {closure.Type}(); // this iteration's variables captured by lambdas", block));
            _enteredScopes.Add(block);
        }
        BuildStatements(block.Statements, output);
    }

    private void BuildStatements(IReadOnlyList<StatementSyntax> statements, List<Stmt> output)
    {
        for (var i = 0; i < statements.Count; i++)
        {
            // 'using var' in a flattened block: the rest of the block is the try of its disposal; without an await
            // in the rest, the rest stays C# in a block of its own, so the disposal still happens at its end.
            if (statements[i] is LocalDeclarationStatementSyntax { AwaitKeyword.RawKind: not 0 } awaitUsing)
            {
                BuildUsing(awaitUsing, awaitUsing.Declaration, null, statements.Skip(i + 1).ToList(), output, isAwait: true);
                return;
            }
            if (statements[i] is LocalDeclarationStatementSyntax { UsingKeyword.RawKind: not 0 } usingDeclaration)
            {
                var rest = statements.Skip(i + 1).ToList();
                if (ContainsAwait(usingDeclaration) || rest.Any(ContainsAwait))
                {
                    BuildUsing(usingDeclaration, usingDeclaration.Declaration, null, rest, output);
                }
                else
                {
                    var text = "{\n" + string.Join("\n", statements.Skip(i).Select(st => "    " + _rewriter.Rewrite(st).Replace("\n", "\n    "))) + "\n}";
                    output.Add(Code(text, usingDeclaration));
                }
                return;
            }
            BuildStatement(statements[i], output);
        }
    }

    private void BuildStatement(StatementSyntax statement, List<Stmt> output)
    {
        if (!ContainsAwait(statement))
        {
            if (statement is LocalDeclarationStatementSyntax declaration && HoistsAny(declaration.Declaration))
                BuildDeclaration(declaration.Declaration, output);
            else
                output.Add(Code(_rewriter.Rewrite(statement), statement));
            return;
        }

        switch (statement)
        {
            case BlockSyntax block:
                BuildBlock(block, output);
                break;
            case CheckedStatementSyntax @checked:
                // Flattened like a block; each operation inside keeps the block's context (OverflowContext).
                BuildBlock(@checked.Block, output);
                break;
            case LocalDeclarationStatementSyntax declaration:
                BuildDeclaration(declaration.Declaration, output);
                break;
            case ExpressionStatementSyntax expression:
                BuildExpressionStatement(expression.Expression, output);
                break;
            case ReturnStatementSyntax { Expression: { } value } ret:
                output.Add(Code(_jumps.Return(ret, Spill(value, output)), ret));
                break;
            case ThrowStatementSyntax { Expression: { } thrown } @throw:
                output.Add(Code("throw " + Spill(thrown, output) + ";", @throw));
                break;
            case IfStatementSyntax @if:
                BuildIf(@if, output);
                break;
            case WhileStatementSyntax @while:
                BuildWhile(@while, output);
                break;
            case DoStatementSyntax @do:
                BuildDo(@do, output);
                break;
            case ForStatementSyntax @for:
                BuildFor(@for, output);
                break;
            case CommonForEachStatementSyntax { AwaitKeyword.RawKind: 0 } forEach:
                BuildForEach(forEach, output);
                break;
            case CommonForEachStatementSyntax awaitForEach:
                BuildAwaitForEach(awaitForEach, output);
                break;
            case SwitchStatementSyntax @switch:
                BuildSwitch(@switch, output);
                break;
            case TryStatementSyntax @try:
                BuildTry(@try, output);
                break;
            case UsingStatementSyntax @using:
                BuildUsing(@using, @using.Declaration, @using.Expression, new List<StatementSyntax> { @using.Statement }, output,
                    isAwait: @using.AwaitKeyword.RawKind != 0);
                break;
            case LabeledStatementSyntax labeled:
                output.Add(new LabelStmt(_labels.NameOf(labeled.Identifier.ValueText)));
                BuildStatement(labeled.Statement, output);
                break;
            case LockStatementSyntax @lock when !ContainsAwait(@lock.Statement):
                // C# rejects an await only in the body (CS1996): one in the locked expression runs before the lock is taken.
                output.Add(Code($"lock ({Spill(@lock.Expression, output)})\n{_rewriter.Rewrite(@lock.Statement)}", @lock));
                break;
            case LockStatementSyntax or UnsafeStatementSyntax or FixedStatementSyntax:
                // C# rejects these too (CS1996, CS4004) at the await: point at the same node.
                throw new UnsupportedConstructException(BodySyntax.OwnAwaits(statement).First(), Describe(statement));
            default:
                throw new UnsupportedConstructException(statement, Describe(statement));
        }
    }

    private static string Describe(StatementSyntax statement) => statement switch
    {
        UsingStatementSyntax => "'await using'",
        LockStatementSyntax => "an await inside 'lock' (C# rejects it too: CS1996)",
        UnsafeStatementSyntax or FixedStatementSyntax => "an await inside unsafe code (C# rejects it too: CS4004)",
        YieldStatementSyntax => "'yield'",
        _ => "an await inside " + System.Text.RegularExpressions.Regex.Replace(statement.Kind().ToString(), "(?<=[a-z])([A-Z])", " $1").ToLowerInvariant() +
             " (await the value into a local before the statement)",
    };

    private bool HoistsAny(VariableDeclarationSyntax declaration) =>
        declaration.Variables.Any(v => _model.GetDeclaredSymbol(v) is { } symbol && _variables.IsHoisted(symbol));

    private void BuildDeclaration(VariableDeclarationSyntax declaration, List<Stmt> output)
    {
        foreach (var variable in declaration.Variables)
        {
            var symbol = (ILocalSymbol)_model.GetDeclaredSymbol(variable)!;
            var value = variable.Initializer is null ? null : Spill(variable.Initializer.Value, output);
            if (_variables.IsHoisted(symbol))
            {
                // `int[] a = { 1, 2 };` as an assignment needs the array type: `_a = new int[] { 1, 2 };`.
                if (variable.Initializer?.Value is InitializerExpressionSyntax)
                    value = "new " + symbol.Type.ToDisplayString(PollAsyncShape.TypeFormat) + " " + value;
                if (value is not null) output.Add(Code($"{_variables.Access(symbol)} = {value};", variable));
            }
            else
            {
                var type = declaration.Type.IsVar ? "var" : symbol.Type.ToDisplayString(PollAsyncShape.TypeFormat);
                var name = _variables.Access(symbol) ?? symbol.Name;
                output.Add(Code(value is null ? $"{type} {name};" : $"{type} {name} = {value};", variable));
            }
        }
    }

    private void BuildExpressionStatement(ExpressionSyntax expression, List<Stmt> output)
    {
        if (!ContainsAwait(expression))
        {
            output.Add(Code(_rewriter.RewriteAsStatement(expression), expression));
            return;
        }
        if (expression is AwaitExpressionSyntax await)
        {
            SpillAwait(await, output, discard: true);
            return;
        }
        if (expression is ConditionalAccessExpressionSyntax access && ContainsAwait(access.WhenNotNull))
        {
            SpillConditionalAccess(access, output, discard: true);
            return;
        }
        if (expression is AssignmentExpressionSyntax coalesce && coalesce.IsKind(SyntaxKind.CoalesceAssignmentExpression) && ContainsAwait(coalesce.Right))
        {
            SpillCoalesceAssignment(coalesce, output, discard: true);
            return;
        }
        output.Add(Code(Spill(expression, output) + ";", expression));
    }

    private void BuildIf(IfStatementSyntax @if, List<Stmt> output)
    {
        var condition = AsBoolean(@if.Condition, Spill(@if.Condition, output));
        var then = BuildEmbedded(@if.Statement); // before the else branch: states are numbered in source order
        var @else = @if.Else is null ? null : BuildEmbedded(@if.Else.Statement);
        output.Add(new IfStmt(condition, BodySyntax.Line(@if), then, @else));
    }

    /// <summary>
    /// <paramref name="code"/>, the rewritten <paramref name="condition"/>, as a <c>bool</c>. Lowering negates a
    /// condition (<c>if (!(c)) goto skip;</c>), and on a type that C# tests with its <c>operator true</c> (or an implicit
    /// conversion to bool) <c>!</c> would call the type's own <c>operator !</c>, or not compile; <c>c ? true : false</c>
    /// tests it exactly as C#'s <c>if</c> does.
    /// </summary>
    private string AsBoolean(ExpressionSyntax condition, string code) =>
        _model.GetTypeInfo(condition).Type is { SpecialType: SpecialType.System_Boolean } ? code : $"(({code}) ? true : false)";

    private (string Top, string Continue, string Break) LoopLabels(SyntaxNode loop)
    {
        var labels = GeneratedNames.LoopLabels(NextLabelNumber());
        _jumps.Flatten(loop, labels.Break, labels.Continue);
        return labels;
    }

    private void BuildWhile(WhileStatementSyntax @while, List<Stmt> output)
    {
        var (top, next, exit) = LoopLabels(@while);
        var body = new List<Stmt>();
        string? condition = null;
        if (_variables.ScopeClosureOf(@while) is { } closure)
        {
            // The condition declares variables lambdas capture: each test gets a new closure, then runs.
            body.Add(Code($"{closure.Field} = new {closure.Type}(); // this iteration's variables captured by lambdas", @while));
            _enteredScopes.Add(@while);
            body.Add(Code($"if (!({AsBoolean(@while.Condition, Spill(@while.Condition, body))})) goto {exit};", @while.Condition));
        }
        else if (ContainsAwait(@while.Condition))
            body.Add(Code($"if (!({AsBoolean(@while.Condition, Spill(@while.Condition, body))})) goto {exit};", @while.Condition));
        else
            condition = AsBoolean(@while.Condition, _rewriter.Rewrite(@while.Condition));
        body.AddRange(BuildEmbedded(@while.Statement).Statements);
        output.Add(new LoopStmt(condition, BodySyntax.Line(@while), Block(body), Block(new()), false, top, next, exit));
    }

    private void BuildDo(DoStatementSyntax @do, List<Stmt> output)
    {
        var (top, next, exit) = LoopLabels(@do);
        var body = BuildEmbedded(@do.Statement);
        var test = new List<Stmt>();
        EnterTestScope(@do.Condition, test);
        var condition = AsBoolean(@do.Condition, Spill(@do.Condition, test));
        output.Add(new LoopStmt(condition, BodySyntax.Line(@do.Condition), body, Block(test), true, top, next, exit));
    }

    private void BuildFor(ForStatementSyntax @for, List<Stmt> output)
    {
        if (@for.Declaration is { } declaration) BuildDeclaration(declaration, output);
        foreach (var initializer in @for.Initializers) BuildExpressionStatement(initializer, output);
        var (top, next, exit) = LoopLabels(@for);
        var body = new List<Stmt>();
        string? condition = null;
        if (@for.Condition is { } test)
        {
            if (EnterTestScope(test, body) || ContainsAwait(test)) body.Add(Code($"if (!({AsBoolean(test, Spill(test, body))})) goto {exit};", test));
            else condition = AsBoolean(test, _rewriter.Rewrite(test));
        }
        body.AddRange(BuildEmbedded(@for.Statement).Statements);
        var increment = new List<Stmt>();
        foreach (var incrementor in @for.Incrementors)
        {
            EnterTestScope(incrementor, increment);
            BuildExpressionStatement(incrementor, increment);
        }
        output.Add(new LoopStmt(condition ?? (@for.Condition is null ? null : "true"), BodySyntax.Line(@for), Block(body), Block(increment), false, top, next, exit));
    }

    /// <summary>
    /// A loop condition or for incrementor that declares variables lambdas capture: each evaluation declares new ones,
    /// so it starts by creating a new closure. True when it has one.
    /// </summary>
    private bool EnterTestScope(ExpressionSyntax test, List<Stmt> output)
    {
        if (_variables.ScopeClosureOf(test) is not { } closure) return false;
        output.Add(Code($"{closure.Field} = new {closure.Type}(); // this evaluation's variables captured by lambdas", test));
        _enteredScopes.Add(test);
        return true;
    }

    private void BuildForEach(CommonForEachStatementSyntax forEach, List<Stmt> output)
    {
        var info = _model.GetForEachStatementInfo(forEach);
        if (SpanLoopWithoutAwaits(forEach, info) is { } variable)
        {
            // `foreach (var c in (await GetText()).AsSpan())` whose body does not await: C# evaluates the collection
            // (its awaits) first and then runs a loop no await interrupts, so its span and enumerator (ref structs,
            // which no field can keep) never cross an await. The loop stays C#, after the spilled awaits.
            var spilled = Spill(forEach.Expression, output);
            var loopBody = _rewriter.Rewrite(forEach.Statement);
            // A variable kept in a field (read after the collection's await, in text order) is set from the loop's own.
            output.Add(Code(variable.Field is { } field
                ? $"foreach ({variable.Type} __element in {spilled})\n{{\n    {field} = __element;\n    {loopBody.Replace("\n", "\n    ")}\n}}"
                : $"foreach ({variable.Type} {variable.Name} in {spilled})\n{loopBody}", forEach));
            return;
        }
        var collection = Spill(forEach.Expression, output);
        var collectionType = _model.GetTypeInfo(forEach.Expression).Type;
        var (assign, variableType) = ForEachTarget(forEach);
        var (top, next, exit) = LoopLabels(forEach);

        if (collectionType is IArrayTypeSymbol { Rank: 1 } array)
        {
            // Arrays: an index loop, like the C# compiler.
            var arrayField = NewValueField("array", array, forEach, "foreach array");
            var index = NewField("index", "int", "foreach index");
            output.Add(Code($"{arrayField} = {collection};", forEach.Expression));
            output.Add(Synthesized($"{index} = 0;"));
            var element = Converted(forEach, $"{arrayField}[{index}]", array.ElementType, variableType);
            var arrayBody = new List<Stmt> { Code($"{assign} = {element};", forEach) };
            arrayBody.AddRange(BuildEmbedded(forEach.Statement).Statements);
            output.Add(new LoopStmt($"{index} < {arrayField}.Length", BodySyntax.Line(forEach), Block(arrayBody),
                Block(new List<Stmt> { Synthesized($"{index}++;") }), false, top, next, exit));
            return;
        }

        if (info.GetEnumeratorMethod is null || info.ElementType is null)
            throw new UnsupportedConstructException(forEach, "this foreach collection");
        var enumeratorType = info.GetEnumeratorMethod.ReturnType;
        var enumerator = NewValueField("enumerator", enumeratorType, forEach, "foreach enumerator");
        output.Add(Code($"{enumerator} = {collection}.GetEnumerator();", forEach.Expression));
        var body = new List<Stmt> { Code($"{assign} = {Current(forEach, enumerator, info, variableType)};", forEach) };
        var finallyId = _nextTry++;
        var disposes = enumeratorType.AllInterfaces.Any(i => i.SpecialType == SpecialType.System_IDisposable) ||
                       enumeratorType.SpecialType == SpecialType.System_IDisposable;
        if (disposes) _finallyStack.Insert(0, finallyId);
        body.AddRange(BuildEmbedded(forEach.Statement).Statements);
        if (disposes) _finallyStack.RemoveAt(0);
        var loop = new LoopStmt($"{enumerator}.MoveNext()", BodySyntax.Line(forEach), Block(body), Block(new()), false, top, next, exit);
        if (!disposes)
        {
            output.Add(loop);
            return;
        }
        var dispose = enumeratorType.IsValueType
            ? $"{enumerator}.Dispose();"
            : $"if ({enumerator} is global::System.IDisposable __disposable) __disposable.Dispose();";
        var @finally = new FinallyModel(finallyId, Block(new List<Stmt> { Synthesized(dispose) }), false);
        FinallyMethods.Add(@finally);
        output.Add(new TryStmt(finallyId, BodySyntax.Line(forEach), Block(new List<Stmt> { loop }), EquatableArray<CatchModel>.Empty, @finally, null, null));
    }

    /// <summary>
    /// The iteration variable's type (<c>var</c>, or the explicit type fully qualified), name, and field if the machine
    /// keeps it in one, when the loop can stay C#: only its collection awaits, its collection or enumerator is a ref
    /// struct, and the variable is not in a lambda's closure.
    /// </summary>
    private (string Type, string Name, string? Field)? SpanLoopWithoutAwaits(CommonForEachStatementSyntax forEach, ForEachStatementInfo info)
    {
        if (forEach is not ForEachStatementSyntax single || ContainsAwait(forEach.Statement)) return null;
        if (_model.GetTypeInfo(forEach.Expression).Type is not { IsRefLikeType: true } && info.GetEnumeratorMethod?.ReturnType is not { IsRefLikeType: true })
            return null;
        if (_model.GetDeclaredSymbol(single) is not ILocalSymbol variable) return null;
        var type = single.Type.IsVar ? "var" : AwaitClassifier.WrittenTypeName(variable.Type, single);
        var access = _variables.Access(variable) ?? single.Identifier.Text;
        if (!_variables.IsHoisted(variable)) return (type, access, null);
        // A field of the machine, not a lambda's closure (whose scope the flattened loop creates per iteration).
        return _variables.LambdaCopy(variable) is null && access.All(c => c == '_' || char.IsLetterOrDigit(c)) ? (type, access, access) : null;
    }

    /// <summary>
    /// What each iteration assigns: the iteration variable (declared, or its field), or for
    /// <c>foreach (var (k, v) in ...)</c> the deconstruction, whose variables in fields are targets: <c>(_k, var v)</c>.
    /// The type is the iteration variable's (null for a deconstruction).
    /// </summary>
    private (string Assign, ITypeSymbol? VariableType) ForEachTarget(CommonForEachStatementSyntax forEach) => forEach switch
    {
        ForEachStatementSyntax single when _model.GetDeclaredSymbol(single) is ILocalSymbol variable =>
            (_variables.IsHoisted(variable)
                ? _variables.Access(variable)!
                : $"{variable.Type.ToDisplayString(PollAsyncShape.TypeFormat)} {_variables.Access(variable) ?? variable.Name}",
             variable.Type),
        ForEachVariableStatementSyntax deconstruction => (_rewriter.Rewrite(deconstruction.Variable), null),
        _ => throw new UnsupportedConstructException(forEach, "this foreach variable"),
    };

    /// <summary>The enumerator's element, converted to the variable's type (a deconstruction: to the element type, when Current differs).</summary>
    private string Current(CommonForEachStatementSyntax forEach, string enumerator, ForEachStatementInfo info, ITypeSymbol? variableType) =>
        Converted(forEach, $"{enumerator}.Current", info.CurrentProperty?.Type, variableType ?? info.ElementType);

    /// <summary>
    /// <paramref name="element"/> (of type <paramref name="from"/>) with the explicit conversion C# applies to each
    /// element of a foreach, when the types differ: <c>(byte)__enumerator.Current</c>. The conversion is an operation
    /// of the foreach statement, so it keeps the overflow context around the statement (see <see cref="OverflowContext"/>).
    /// </summary>
    private string Converted(CommonForEachStatementSyntax forEach, string element, ITypeSymbol? from, ITypeSymbol? to)
    {
        if (to is null || SymbolEqualityComparer.Default.Equals(from, to)) return element;
        var cast = $"({to.ToDisplayString(PollAsyncShape.TypeFormat)}){element}";
        return OverflowContext.FlattenedKeyword(forEach, _awaitContainers) is { } keyword ? $"{keyword}({cast})" : cast;
    }

    private void BuildSwitch(SwitchStatementSyntax @switch, List<Stmt> output)
    {
        if (_variables.ScopeClosureOf(@switch) is { } closure)
        {
            output.Add(Code($"{closure.Field} = new {closure.Type}(); // this run's variables captured by lambdas", @switch));
            _enteredScopes.Add(@switch);
        }
        var governing = Spill(@switch.Expression, output);
        var all = @switch.Sections.SelectMany(s => s.Labels).ToList();
        PatternReads? reads = null;
        if (all.Any(HasAwaitingGuard))
        {
            governing = StoreSwitchedValue(@switch.Expression, governing, output);
            reads = PlanPatternReads(all.Select(l => (l as CasePatternSwitchLabelSyntax)?.Pattern).ToList(), all.Select(HasAwaitingGuard).ToList(), eachApart: false, output);
        }
        var exit = GeneratedNames.SwitchBreakLabel(NextLabelNumber());
        _jumps.Flatten(@switch, exit, null);
        var sections = new List<SwitchSectionModel>();
        foreach (var section in @switch.Sections)
        {
            // Variables of the labels that the section uses are fields, stored by the label's guard.
            var labels = section.Labels.Select(l => BuildLabel(l, governing, reads)).ToEquatableArray();
            var body = new List<Stmt>();
            BuildStatements(section.Statements, body);
            sections.Add(new SwitchSectionModel(labels, Block(body)));
        }
        output.Add(new SwitchStmt(governing, BodySyntax.Line(@switch), sections.ToEquatableArray(), exit));
    }

    private bool HasAwaitingGuard(SwitchLabelSyntax label) => label is CasePatternSwitchLabelSyntax { WhenClause: { } when } && ContainsAwait(when);

    /// <summary>
    /// A label as written, for the C# switch to test; or, when its <c>when</c> clause awaits, its pattern tested on
    /// the stored value (storing the variables that live in fields) and its guard spilled: the lowering runs them in
    /// the label's turn (<see cref="SwitchLabelModel"/>). A label reading a property that an awaiting guard separates
    /// from another label's read (<see cref="PatternReads"/>) is tested in its turn too, as a condition.
    /// </summary>
    private SwitchLabelModel BuildLabel(SwitchLabelSyntax label, string value, PatternReads? reads)
    {
        if (label is not CasePatternSwitchLabelSyntax pattern)
            return new SwitchLabelModel(_rewriter.Rewrite(label), BodySyntax.Line(label), null);
        var awaits = pattern.WhenClause is { } awaited && ContainsAwait(awaited);
        var shared = reads is not null && reads.Reads(pattern.Pattern);
        if (!awaits && !shared)
            return new SwitchLabelModel(_rewriter.Rewrite(label), BodySyntax.Line(label), null);
        var test = shared ? reads!.Test(value, pattern.Pattern) : _rewriter.IsPattern(value, pattern.Pattern);
        if (!awaits)
        {
            if (pattern.WhenClause is { } plain) test += $" && ({_rewriter.Rewrite(plain.Condition)})";
            return new SwitchLabelModel(test, BodySyntax.Line(label), new LabelTestModel(Block(new List<Stmt>()), null));
        }
        var guard = new List<Stmt>();
        var condition = Spill(pattern.WhenClause!.Condition, guard);
        return new SwitchLabelModel(test, BodySyntax.Line(label), new LabelTestModel(Block(guard), condition));
    }

    /// <summary>True when a switch's patterns read a value once for the labels after an awaiting guard (<see cref="PatternReads"/>).</summary>
    public bool UsesRemember => _patternReads.Any(r => r.UsesRemember);

    /// <summary>True when a switch's patterns call a Deconstruct once for the labels after an awaiting guard (<see cref="PatternReads"/>).</summary>
    public bool UsesDeconstructed => _patternReads.Any(r => r.UsesDeconstructed);

    private readonly List<PatternReads> _patternReads = new();

    /// <summary>The reads of the switches' patterns that differ from C#'s (AG0010), each at its label's pattern.</summary>
    public IEnumerable<(SyntaxNode Node, string Difference)> PatternReadDifferences => _patternReads.SelectMany(r => r.Differences);

    /// <summary>
    /// The properties a switch's patterns read once across its awaiting guards (<see cref="PatternReads"/>), with
    /// the statements that start each run of the switch with none read.
    /// </summary>
    private PatternReads PlanPatternReads(IReadOnlyList<PatternSyntax?> patterns, IReadOnlyList<bool> awaits, bool eachApart, List<Stmt> output)
    {
        var reads = PatternReads.Plan(_model, _rewriter, patterns, awaits, eachApart, (name, type, node, comment) =>
            type is null ? NewField(name, "bool", comment) : NewValueField(name, type, node, comment));
        foreach (var reset in reads.Resets) output.Add(Synthesized(reset));
        _patternReads.Add(reads);
        return reads;
    }

    /// <summary>
    /// The value a switch tests in parts (some label awaits between the tests) is evaluated once, as C# does, into a
    /// field that the tests after each await read again (a ref struct cannot be kept: AG0003, as C# rejects it, CS4007).
    /// </summary>
    private string StoreSwitchedValue(ExpressionSyntax expression, string value, List<Stmt> output)
    {
        var type = _model.GetTypeInfo(expression).Type ?? _model.GetTypeInfo(expression).ConvertedType
            ?? throw new UnsupportedConstructException(expression, "a switched value without a type, with a 'when' clause that awaits (store the value in a typed local first)");
        var field = NewValueField("switch", type, expression, "the value switched on, tested again after an awaiting 'when' clause");
        output.Add(Code($"{field} = {value};", expression));
        return field;
    }

    private string NewField(string name, string type, string comment) => _fields.Add(GeneratedNames.Field(name), type, comment);

    /// <summary>
    /// A field for a value of <paramref name="type"/>, and how code reads and writes it: its name, or for a type built
    /// from an anonymous type the variable <see cref="AnonymousShapes"/> makes of it.
    /// </summary>
    private string NewValueField(string name, ITypeSymbol type, SyntaxNode node, string comment) =>
        AnonymousShapes.Mentions(type)
            ? _variables.Shapes.Access(NewField(name, AnonymousShapes.StoredType(type), comment), type, node)
            : NewField(name, AwaitClassifier.TypeName(type, node), comment);
}
