using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;
using AsyncGen.Generator.Parsing;

namespace AsyncGen.Generator.Rewriting;

/// <summary>
/// Rewrites user code that contains no await of the method into code that runs inside the machine: variables
/// become fields or renamed locals, <c>this</c> becomes the machine's copy of it, <c>return x</c> becomes
/// <c>return Poll&lt;T&gt;.Ready(x)</c> and jumps out of flattened statements become gotos.
/// </summary>
/// <remarks>It holds no state of its own beyond the node being written: variables are decided by
/// <see cref="VariableTable"/> beforehand, and jumps are translated by <see cref="JumpTable"/>, which the builder fills
/// as it flattens; <see cref="SynthesizedDelegates"/> collects the delegate types it names for wrapped lambdas.</remarks>
internal sealed class BodyRewriter(
    SemanticModel model, INamedTypeSymbol containingType, VariableTable variables, JumpTable jumps,
    string? thisAccess, SyntaxNode body, HashSet<SyntaxNode> awaitContainers, UserLabels labels, SynthesizedDelegates delegates,
    BaseAccessors baseAccessors) : CSharpSyntaxRewriter
{
    /// <summary>
    /// Greater than zero while writing inside a <c>checked(...)</c> (or block) this rewriter added for a flattened
    /// checked/unchecked block: the operations inside it need no keyword of their own.
    /// </summary>
    private int _overflowWrapped;

    /// <summary>
    /// The pattern variables <see cref="PatternReads"/> has named (<c>__in1</c>, ...), counted across the method:
    /// the conditions of two switches share the scope of <c>Poll</c>, so their names must differ.
    /// </summary>
    public int PatternTemps { get; set; }

    /// <summary>The rewritten text of <paramref name="node"/>, re-indented so that its first line starts at column 0.</summary>
    public string Rewrite(SyntaxNode node)
    {
        var column = node.GetLocation().GetLineSpan().StartLinePosition.Character;
        var text = Visit(node)!.WithoutTrivia().ToFullString();
        var lines = text.Replace("\r\n", "\n").Split('\n');
        for (var i = 1; i < lines.Length; i++)
        {
            var strip = 0;
            while (strip < column && strip < lines[i].Length && lines[i][strip] == ' ') strip++;
            lines[i] = lines[i].Substring(strip);
        }
        return string.Join("\n", lines);
    }

    /// <summary>
    /// <paramref name="expression"/> as a statement (<c>x++;</c>), inside a <c>checked { }</c> block of its own when it
    /// is an increment or compound assignment of a flattened checked/unchecked block (see <see cref="OverflowContext"/>).
    /// </summary>
    public string RewriteAsStatement(ExpressionSyntax expression)
    {
        if (!OverflowContext.IsContextDependent(model, expression) || OverflowContext.FlattenedKeyword(expression, awaitContainers) is not { } keyword)
            return Rewrite(expression) + ";";
        _overflowWrapped++;
        try
        {
            return keyword + " { " + Rewrite(expression) + "; }";
        }
        finally
        {
            _overflowWrapped--;
        }
    }

    /// <summary>
    /// Inside a checked/unchecked block that awaits (flattened, so its keyword is gone), each operation the context
    /// changes is written in a <c>checked(...)</c> of its own; where C# wants a statement (<c>x += y;</c>, a <c>for</c>
    /// incrementor), the statement is put in a <c>checked { }</c> block of its own.
    /// </summary>
    public override SyntaxNode? Visit(SyntaxNode? node)
    {
        if (_overflowWrapped > 0 || node is null) return base.Visit(node);
        switch (node)
        {
            case ExpressionSyntax expression when OverflowContext.IsContextDependent(model, expression) &&
                                                  OverflowContext.FlattenedKeyword(expression, awaitContainers) is { } keyword:
                // The statement is wrapped (below), or the function's expression body becomes a block (WithBodyInContext).
                if (OverflowContext.IsInStatementPosition(model, expression)) break;
                return WrappedInContext(node, text => ParseExpression(keyword + "(" + text + ")"));
            case ExpressionStatementSyntax statement when OverflowContext.IsContextDependent(model, statement.Expression) &&
                                                          OverflowContext.FlattenedKeyword(statement, awaitContainers) is { } keyword:
                // Its variables are fields (VariableTable), so the block around it ends no scope; a ref struct cannot be
                // one, which matters only when a later statement uses it.
                if (statement.Expression.DescendantNodes(n => !BodySyntax.IsNestedFunction(n)).OfType<SingleVariableDesignationSyntax>()
                        .Select(d => model.GetDeclaredSymbol(d)).OfType<ILocalSymbol>()
                        .FirstOrDefault(l => !variables.IsHoisted(l) && IsUsedOutside(l, statement)) is { } local)
                    throw new UnsupportedConstructException(statement,
                        $"a compound assignment or increment that declares the variable '{local.Name}' of the ref struct type '{local.Type.ToDisplayString()}', inside {OverflowContext.Describe(keyword)} that awaits (the statement is put in a block of its own, which would end the variable's scope: declare it in a statement of its own)");
                return WrappedInContext(node, text => ParseStatement(keyword + " { " + text + " }"));
            case ForStatementSyntax @for when @for.Incrementors.Concat(@for.Initializers).Any(e => OverflowContext.IsContextDependent(model, e)) &&
                                              OverflowContext.FlattenedKeyword(@for, awaitContainers) is { } keyword:
                return WrappedInContext(node, text => ParseStatement(keyword + " { " + text + " }"));
            // foreach (byte b in ints) converts each element explicitly, an operation of the statement (see BodyBuilder.Converted).
            case CommonForEachStatementSyntax forEach when !model.GetForEachStatementInfo(forEach).ElementConversion.IsIdentity &&
                                                           OverflowContext.FlattenedKeyword(forEach, awaitContainers) is { } keyword:
                return WrappedInContext(node, text => ParseStatement(keyword + " { " + text + " }"));
        }
        return base.Visit(node);
    }

    private bool IsUsedOutside(ILocalSymbol local, SyntaxNode statement) =>
        body.DescendantNodes().OfType<IdentifierNameSyntax>()
            .Any(i => !statement.Span.Contains(i.Span) && i.Identifier.ValueText == local.Name &&
                      SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(i).Symbol, local));

    /// <summary><paramref name="node"/> rewritten with no keyword inside, then wrapped as a whole.</summary>
    private SyntaxNode WrappedInContext(SyntaxNode node, System.Func<string, SyntaxNode> wrap)
    {
        _overflowWrapped++;
        try
        {
            var visited = base.Visit(node)!;
            return wrap(visited.WithoutTrivia().ToFullString()).WithTriviaFrom(visited);
        }
        finally
        {
            _overflowWrapped--;
        }
    }

    /// <summary>
    /// While a query is written on from a stored part whose elements carry several range variables, how each is read
    /// (<c>x</c> → <c>__row.x</c>); null otherwise.
    /// </summary>
    public Dictionary<ISymbol, string>? RangeVariables { get; set; }

    public override SyntaxNode? VisitIdentifierName(IdentifierNameSyntax node)
    {
        if (node.IsVar) return node;
        if (BaseMemberHelper(node) is { } helper) return IdentifierName(helper).WithTriviaFrom(node);
        var symbol = SymbolOf(node);
        if (symbol is IRangeVariableSymbol && RangeVariables is { } rows && rows.TryGetValue(symbol, out var row))
            return ParseExpression(row).WithTriviaFrom(node);
        switch (symbol)
        {
            case ILabelSymbol label when !BodySyntax.IsInsideNestedFunction(node, body):
                return node.WithIdentifier(Identifier(labels.NameOf(label.Name)).WithTriviaFrom(node.Identifier));
            case IParameterSymbol when node.Parent is NameColonSyntax:
                return node; // the name of a named argument, not a use of the parameter
            case ILocalSymbol when variables.LambdaCopy(symbol) is { } copy && BodySyntax.IsInsideNestedFunction(node, body):
                return ParseExpression(IsAnonymousInExpressionTree(copy, node) ? variables.Shapes.InExpressionTree(copy) : copy).WithTriviaFrom(node);
            case ILocalSymbol or IParameterSymbol when variables.Access(symbol) is { } access:
                // An anonymous-typed variable kept across an await is read through a ref-returning call, which C#
                // forbids in an expression tree (CS8153): there it is read by value.
                if (IsAnonymousInExpressionTree(access, node)) access = variables.Shapes.InExpressionTree(access);
                return ParseExpression(access).WithTriviaFrom(node);
            case ILocalSymbol or IParameterSymbol:
                return node;
            case IMethodSymbol { MethodKind: MethodKind.LocalFunction } function:
                return LocalFunctionReference(node, function, variables.Access(function.OriginalDefinition) is { } renamed ? node.WithIdentifier(Identifier(renamed)) : node);
            case IFieldSymbol or IPropertySymbol or IMethodSymbol or IEventSymbol when IsImplicitThisMember(node, symbol):
                return MemberAccess(node);
            case IFieldSymbol or IPropertySymbol or IMethodSymbol or IEventSymbol when symbol.IsStatic && IsHiddenByMachine(node, symbol):
                return MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression,
                    ParseTypeName(symbol.ContainingType.ToDisplayString(PollAsyncShape.TypeFormat)), node.WithoutTrivia()).WithTriviaFrom(node);
            case INamedTypeSymbol type when IsHiddenByMachine(node, type):
                // The user's `Closure` type, not the machine's closure class of the same name.
                return ParseTypeName(type.ToDisplayString(PollAsyncShape.TypeFormat)).WithTriviaFrom(node);
            default:
                return node;
        }
    }

    /// <summary>
    /// The symbol <paramref name="node"/> names. A method group converted to a type that is no delegate type
    /// (<c>Delegate d = Read;</c>) has no symbol, only its method reference, which names the method.
    /// </summary>
    private ISymbol? SymbolOf(SimpleNameSyntax node) =>
        model.GetSymbolInfo(node).Symbol ?? (model.GetOperation(node) as Microsoft.CodeAnalysis.Operations.IMethodReferenceOperation)?.Method;

    public override SyntaxNode? VisitGenericName(GenericNameSyntax node)
    {
        var rewritten = (GenericNameSyntax)base.VisitGenericName(node)!;
        if (BaseMemberHelper(node) is { } helper) return rewritten.WithIdentifier(Identifier(helper).WithTriviaFrom(rewritten.Identifier));
        if (SymbolOf(node) is IMethodSymbol { MethodKind: MethodKind.LocalFunction } function)
            return LocalFunctionReference(node, function,
                variables.Access(function.OriginalDefinition) is { } renamed ? rewritten.WithIdentifier(Identifier(renamed).WithTriviaFrom(rewritten.Identifier)) : rewritten);
        return model.GetSymbolInfo(node).Symbol is IMethodSymbol method && IsImplicitThisMember(node, method)
            ? MemberAccess(rewritten)
            : rewritten;
    }

    /// <summary>
    /// A local function renamed by the variable table (<c>Hoist</c> → <c>Hoist_</c>) keeps its new name, and one that
    /// receives per-iteration variables as leading parameters also its new parameters (see
    /// <see cref="VariableTable.LocalFunctionCopies"/>).
    /// </summary>
    public override SyntaxNode? VisitLocalFunctionStatement(LocalFunctionStatementSyntax node)
    {
        var rewritten = (LocalFunctionStatementSyntax)base.VisitLocalFunctionStatement(node)!;
        if (BodyInContext(node.ExpressionBody?.Expression, rewritten.ExpressionBody?.Expression) is { } block)
            rewritten = rewritten.WithExpressionBody(null).WithSemicolonToken(default).WithBody(block);
        if (model.GetDeclaredSymbol(node) is not IMethodSymbol symbol) return rewritten;
        if (variables.Access(symbol) is { } renamed) rewritten = rewritten.WithIdentifier(Identifier(renamed).WithTriviaFrom(rewritten.Identifier));
        var copies = BodySyntax.IsInsideNestedFunction(node, body) ? [] : variables.LocalFunctionCopies(symbol);
        if (copies.Count == 0) return rewritten;
        var parameters = copies.Select(c => Parameter(Identifier(c.Name)).WithType(ParseTypeName(c.Type).WithTrailingTrivia(Space)));
        return rewritten.WithParameterList(rewritten.ParameterList.WithParameters(
            SeparatedList(parameters.Concat(rewritten.ParameterList.Parameters), Enumerable.Repeat(Token(SyntaxKind.CommaToken).WithTrailingTrivia(Space), copies.Count + rewritten.ParameterList.Parameters.Count - 1))));
    }

    /// <summary>
    /// A reference to a local function of the body that receives per-iteration variables: a call passes them
    /// (<see cref="VisitInvocationExpression"/>); a conversion to a delegate becomes a lambda that passes them, created
    /// like the body's other lambdas (<see cref="WithLambdaCopies"/>), so the delegate keeps this iteration's variables.
    /// </summary>
    private SyntaxNode LocalFunctionReference(SimpleNameSyntax original, IMethodSymbol function, SimpleNameSyntax rewritten)
    {
        var copies = variables.LocalFunctionCopies(function);
        if (copies.Count == 0 || original.Parent is InvocationExpressionSyntax call && call.Expression == original) return rewritten;
        if (original.Parent is LocalFunctionStatementSyntax) return rewritten;
        if (DelegateTypeOf(original) is not { DelegateInvokeMethod: { } invoke } delegateType ||
            DelegateTypeName(delegateType) is not { } type || invoke.Parameters.Any(p => p.Type.IsAnonymousType))
            throw new UnsupportedConstructException(original, $"the local function '{function.Name}' converted to a delegate type built from an anonymous type (or with a default value C# cannot write, such as NaN), which the machine cannot name, while it reads variables of which each iteration of a loop that awaits has its own (return a type you declare, such as a record, or convert it to a named delegate type you declare)");
        RequireNoUnwrappedTwin(original, delegateType);
        var nested = BodySyntax.IsInsideNestedFunction(original, body);
        var parameters = invoke.Parameters.Select((p, i) => (Declaration: (p.ScopedKind != ScopedKind.None && p.RefKind != RefKind.Out ? "scoped " : "") + RefKindPrefix(p.RefKind) + p.Type.ToDisplayString(PollAsyncShape.TypeFormat) + " " + (i < function.Parameters.Length ? GeneratedNames.Escaped(function.Parameters[i].Name) : "arg" + i),
                                                             Argument: RefKindPrefix(p.RefKind) + (i < function.Parameters.Length ? GeneratedNames.Escaped(function.Parameters[i].Name) : "arg" + i))).ToList();
        var arguments = copies.Select(c => c.Name).Concat(parameters.Select(p => p.Argument));
        var lambda = $"({string.Join(", ", parameters.Select(p => p.Declaration))}) => {(invoke.ReturnsByRef || invoke.ReturnsByRefReadonly ? "ref " : "")}{rewritten.WithoutTrivia().ToFullString()}({string.Join(", ", arguments)})";
        // Inside a lambda or local function the variables are in scope under the names passed; in the body, the
        // lambda is created by a wrapper that receives them, as in WithLambdaCopies.
        var text = nested
            ? $"(({type})({lambda}))"
            : $"((global::System.Func<{string.Join(", ", copies.Select(c => c.Type).Append(type))}>)(({string.Join(", ", copies.Select(c => c.Name))}) => {lambda}))({string.Join(", ", copies.Select(c => c.Value))})";
        return ParseExpression(text).WithTriviaFrom(original);
    }

    /// <summary>
    /// The delegate type a lambda or method group becomes: the type it is converted to, or, when that is no
    /// delegate (<c>Delegate d = Read;</c>, <c>object o = () =&gt; x;</c>, <c>List&lt;Delegate&gt;.Add(Read)</c>), its natural
    /// type (<c>Func&lt;int&gt;</c>), which C# creates before converting it further. Null when there is none.
    /// </summary>
    /// <summary>
    /// The expression tree type (<c>Expression&lt;Func&lt;int, bool&gt;&gt;</c>, <c>LambdaExpression</c>) a lambda is
    /// converted to, or null for a lambda converted to a delegate.
    /// </summary>
    private INamedTypeSymbol? ExpressionTreeTypeOf(ExpressionSyntax lambda) =>
        model.GetTypeInfo(lambda).ConvertedType is INamedTypeSymbol { TypeKind: TypeKind.Class } converted && IsExpressionTreeType(converted) ? converted : null;

    private static bool IsExpressionTreeType(ITypeSymbol? type)
    {
        for (; type is not null; type = type.BaseType)
            if (type is { Name: "Expression", ContainingNamespace: { Name: "Expressions", ContainingNamespace: { Name: "Linq", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } } })
                return true;
        return false;
    }

    /// <summary>Whether <paramref name="access"/> reads an anonymous-typed value through <c>AsAnonymous</c> inside an expression tree.</summary>
    private bool IsAnonymousInExpressionTree(string access, SyntaxNode node) =>
        access.StartsWith(GeneratedNames.AsAnonymous, System.StringComparison.Ordinal) && IsInsideExpressionTree(node);

    /// <summary>Whether <paramref name="node"/> is inside a lambda of the body converted to an expression tree.</summary>
    private bool IsInsideExpressionTree(SyntaxNode node) =>
        node.Ancestors().TakeWhile(a => a != body).OfType<LambdaExpressionSyntax>().Any(l => ExpressionTreeTypeOf(l) is not null);

    private INamedTypeSymbol? DelegateTypeOf(ExpressionSyntax original)
    {
        if (model.GetTypeInfo(original).ConvertedType is INamedTypeSymbol { TypeKind: TypeKind.Delegate } converted) return converted;
        return model.GetOperation(original)?.Parent is Microsoft.CodeAnalysis.Operations.IDelegateCreationOperation { Type: INamedTypeSymbol { TypeKind: TypeKind.Delegate } natural }
            ? natural
            : null;
    }

    /// <summary>
    /// A wrapped lambda or local function of a delegate type C# synthesizes gets the machine's stand-in type: when another
    /// function of the body converts to the same synthesized type without a wrapper (it keeps the compiler's type), the
    /// two no longer share one type (<c>step + other</c>, <c>other = step</c> would not compile; <c>GetType()</c> would
    /// differ), so the method keeps the fallback builder (AG0005) instead.
    /// </summary>
    private void RequireNoUnwrappedTwin(ExpressionSyntax original, INamedTypeSymbol delegateType)
    {
        if (!delegateType.IsAnonymousType) return;
        foreach (var other in body.DescendantNodes().OfType<ExpressionSyntax>())
        {
            if (other == original) continue;
            bool wrapped;
            if (other is AnonymousFunctionExpressionSyntax function)
                wrapped = !BodySyntax.IsInsideNestedFunction(function, body) && variables.LambdaReceives(model, function).Count > 0;
            else if (other is SimpleNameSyntax name && !(name.Parent is InvocationExpressionSyntax call && call.Expression == name) &&
                     !(name.Parent is MemberAccessExpressionSyntax access && access.Expression == name) &&
                     model.GetSymbolInfo(name).Symbol is IMethodSymbol method)
                wrapped = method.MethodKind == MethodKind.LocalFunction && variables.LocalFunctionCopies(method).Count > 0 && !BodySyntax.IsInsideNestedFunction(name, body);
            else continue;
            if (!wrapped && SymbolEqualityComparer.Default.Equals(DelegateTypeOf(other), delegateType))
                throw new UnsupportedConstructException(original, $"a lambda or local function of a delegate type C# synthesizes ('{delegateType.ToDisplayString()}') capturing a variable of which each iteration of a loop that awaits has its own, while '{(other.ToString().Length > 60 ? other.ToString().Substring(0, 60) + "..." : other.ToString())}' has the same synthesized type without capturing one: the machine would give the two different types (declare a named delegate type, such as 'delegate int Step(ref int x);', and convert both to it)");
        }
    }

    /// <summary>
    /// How generated code names <paramref name="delegateType"/>: as written, or, for the delegate type C# synthesizes
    /// as a lambda's natural type (a ref, out or params signature), the machine's stand-in for it; null when it has none.
    /// </summary>
    private string? DelegateTypeName(INamedTypeSymbol delegateType) =>
        delegateType.IsAnonymousType ? delegates.NameOf(delegateType) :
        AnonymousShapes.Mentions(delegateType) ? null : delegateType.ToDisplayString(PollAsyncShape.TypeFormat);

    private static string RefKindPrefix(RefKind kind) => kind switch
    {
        RefKind.Ref => "ref ",
        RefKind.Out => "out ",
        RefKind.In => "in ",
        _ => "",
    };

    public override SyntaxNode? VisitParenthesizedLambdaExpression(ParenthesizedLambdaExpressionSyntax node) =>
        WithLambdaCopies(node, WithBodyInContext(node, (LambdaExpressionSyntax)base.VisitParenthesizedLambdaExpression(node)!));

    public override SyntaxNode? VisitSimpleLambdaExpression(SimpleLambdaExpressionSyntax node) =>
        WithLambdaCopies(node, WithBodyInContext(node, (LambdaExpressionSyntax)base.VisitSimpleLambdaExpression(node)!));

    /// <summary>
    /// <c>() =&gt; n++</c> returning nothing, inside a flattened checked/unchecked block: C# wants a statement expression
    /// there, so the body becomes a block holding the statement in the context's block: <c>() =&gt; { checked { n++; } }</c>.
    /// </summary>
    private LambdaExpressionSyntax WithBodyInContext(LambdaExpressionSyntax original, LambdaExpressionSyntax rewritten) =>
        BodyInContext(original.ExpressionBody, rewritten.ExpressionBody) is { } block
            ? rewritten.WithExpressionBody(null).WithArrowToken(rewritten.ArrowToken.WithTrailingTrivia(Space)).WithBlock(block)
            : rewritten;

    private BlockSyntax? BodyInContext(ExpressionSyntax? original, ExpressionSyntax? rewritten)
    {
        if (original is null || rewritten is null || _overflowWrapped > 0 || !OverflowContext.IsContextDependent(model, original) ||
            !OverflowContext.IsInStatementPosition(model, original) || OverflowContext.FlattenedKeyword(original, awaitContainers) is not { } keyword)
            return null;
        return (BlockSyntax)ParseStatement("{ " + keyword + " { " + rewritten.WithoutTrivia().ToFullString() + "; } }");
    }

    public override SyntaxNode? VisitAnonymousMethodExpression(AnonymousMethodExpressionSyntax node) =>
        WithLambdaCopies(node, base.VisitAnonymousMethodExpression(node)!);

    /// <summary>
    /// A lambda of the body that captures variables of which each iteration has its own, created inside a wrapper
    /// that receives their current values (hoisted foreach variables) or their current closure (variables of a block
    /// inside a loop) as parameters: <c>((Func&lt;string, Func&lt;string&gt;&gt;)(nameCopy =&gt; () =&gt; nameCopy))(_name)</c>,
    /// <c>((Func&lt;Closure2, Func&lt;int&gt;&gt;)(closure2 =&gt; () =&gt; closure2.copy))(_closure2)</c>.
    /// Each iteration's lambdas see that iteration's variables, as in C#.
    /// </summary>
    private SyntaxNode WithLambdaCopies(AnonymousFunctionExpressionSyntax original, SyntaxNode rewritten)
    {
        if (BodySyntax.IsInsideNestedFunction(original, body)) return rewritten; // the outermost lambda copies
        var received = variables.LambdaReceives(model, original);
        if (received.Count == 0) return rewritten;
        string delegateName;
        if (ExpressionTreeTypeOf(original) is { } tree)
        {
            // `Expression<Func<int, bool>> e = x => x > min;`: the wrapper returns the expression tree, whose lambda
            // reads the wrapper's parameter as C#'s reads the captured variable (a member of a closure object).
            delegateName = AnonymousShapes.Mentions(tree)
                ? throw new UnsupportedConstructException(original, "an expression tree lambda whose type is built from an anonymous type, capturing a variable of which each iteration of a loop that awaits has its own (build the expression in a method that is not async, taking the variable as a parameter)")
                : tree.ToDisplayString(PollAsyncShape.TypeFormat);
        }
        else if (DelegateTypeOf(original) is { IsAnonymousType: false } anonymousDelegate && AnonymousShapes.Mentions(anonymousDelegate))
        {
            // `l => new { Line = l, Order = order }`: no cast can name Func<string, anonymous type>; a helper infers it.
            var create = $"({string.Join(", ", received.Select(r => r.Name))}) => {rewritten.WithoutTrivia().ToFullString()}";
            return ParseExpression(variables.Shapes.CreateLambda(anonymousDelegate, original, received.Select(r => r.Value).ToList(), create)).WithTriviaFrom(rewritten);
        }
        else
        {
            if (DelegateTypeOf(original) is not { } delegateType || DelegateTypeName(delegateType) is not { } name)
                throw new UnsupportedConstructException(original, "a lambda whose delegate type C# synthesizes with a parameter of an anonymous type or a default value C# cannot write (such as NaN), which the machine cannot declare, capturing a variable of which each iteration of a loop that awaits has its own (convert the lambda to a named delegate type you declare, with a parameter type you declare, such as a record)");
            RequireNoUnwrappedTwin(original, delegateType);
            delegateName = name;
        }
        var types = received.Select(r => r.Type).Append(delegateName);
        var parameters = string.Join(", ", received.Select(r => r.Name));
        var values = string.Join(", ", received.Select(r => r.Value));
        var wrapper = $"((global::System.Func<{string.Join(", ", types)}>)(({parameters}) => {rewritten.WithoutTrivia().ToFullString()}))({values})";
        return ParseExpression(wrapper).WithTriviaFrom(rewritten);
    }

    public override SyntaxNode? VisitThisExpression(ThisExpressionSyntax node) =>
        thisAccess is null ? node : IdentifierName(thisAccess).WithTriviaFrom(node);

    /// <summary>
    /// <c>base.M</c> is written <c>this.__XFuture_base_M</c> (see <see cref="BaseAccessors"/>): <c>base</c> becomes the
    /// machine's <c>this</c> here, and the member's name its helper's (<see cref="BaseMemberHelper"/>). Elsewhere (a
    /// base indexer, <see cref="VisitElementAccessExpression"/>) nothing may write it as <c>this</c>.
    /// </summary>
    public override SyntaxNode? VisitBaseExpression(BaseExpressionSyntax node) =>
        node.Parent is MemberAccessExpressionSyntax access && access.Expression == node && thisAccess is not null
            ? IdentifierName(thisAccess).WithTriviaFrom(node)
            : throw new UnsupportedConstructException(node.Parent ?? node, "a base indexer in this position (read it into a local first: 'var item = base[i];'; a plain assignment statement 'base[i] = value;' is supported)");

    /// <summary>The helper standing for the member <paramref name="name"/> names in <c>base.Name</c>; null for other names.</summary>
    public string? BaseMemberHelper(SimpleNameSyntax name)
    {
        if (name.Parent is not MemberAccessExpressionSyntax { Expression: BaseExpressionSyntax } access || access.Name != name) return null;
        return SymbolOf(name) switch
        {
            IMethodSymbol { ReducedFrom: null } method => baseAccessors.Method(method, access),
            IPropertySymbol { IsIndexer: false } or IFieldSymbol => baseAccessors.Property(SymbolOf(name)!, access),
            IEventSymbol @event => baseAccessors.Event(@event, access),
            _ => throw new UnsupportedConstructException(access, $"'base.{name.Identifier.ValueText}' (this kind of base member)"),
        };
    }

    /// <summary>The helper creating the machine of base <c>[PollAsync]</c> method <paramref name="callee"/> called as <paramref name="invocation"/>; null for other calls.</summary>
    public string? BaseFactoryHelper(InvocationExpressionSyntax invocation, IMethodSymbol callee) =>
        invocation.Expression is MemberAccessExpressionSyntax { Expression: BaseExpressionSyntax } access
            ? thisAccess + "." + baseAccessors.Method(callee, access, factory: true) + (access.Name is GenericNameSyntax generic ? Rewrite(generic.TypeArgumentList) : "")
            : null;

    /// <summary>
    /// <c>base[i]</c> read, <c>this.__XFuture_base_Item(i)</c>; an indexer returning by reference is a variable that
    /// way in every position. A plain indexer written (<c>base[i] = v;</c>) is a call of its setter's helper
    /// (<see cref="VisitAssignmentExpression"/>); other writes (<c>base[i] += v</c>, <c>base[i]++</c>) are reported.
    /// </summary>
    public override SyntaxNode? VisitElementAccessExpression(ElementAccessExpressionSyntax node)
    {
        if (node.Expression is not BaseExpressionSyntax) return base.VisitElementAccessExpression(node);
        var arguments = (BracketedArgumentListSyntax)VisitBracketedArgumentList(node.ArgumentList)!;
        return ParseExpression(BaseIndexerRead(node, arguments.Arguments.ToFullString())).WithTriviaFrom(node);
    }

    /// <summary><c>base[arguments]</c> read through its helper; <paramref name="arguments"/> are already rewritten.</summary>
    public string BaseIndexerRead(ElementAccessExpressionSyntax node, string arguments)
    {
        if (thisAccess is null || model.GetSymbolInfo(node).Symbol is not IPropertySymbol indexer)
            throw new UnsupportedConstructException(node, "this base indexer");
        if (indexer.RefKind == RefKind.None && IsWritten(node))
            throw new UnsupportedConstructException(node, "a compound assignment, increment or ref of a base indexer (write 'var item = base[i];', then 'base[i] = item + 1;')");
        return thisAccess + "." + baseAccessors.IndexerGet(indexer, node) + "(" + arguments + ")";
    }

    private static bool IsWritten(ExpressionSyntax node) => node.Parent switch
    {
        AssignmentExpressionSyntax assignment => assignment.Left == node,
        PrefixUnaryExpressionSyntax or PostfixUnaryExpressionSyntax => node.Parent.Kind() is SyntaxKind.PreIncrementExpression or SyntaxKind.PreDecrementExpression or SyntaxKind.PostIncrementExpression or SyntaxKind.PostDecrementExpression,
        ArgumentSyntax argument => argument.RefKindKeyword.RawKind != 0,
        RefExpressionSyntax => true,
        TupleExpressionSyntax => true,
        _ => false,
    };

    /// <summary><c>base[i] = v;</c> as a statement: the setter's helper, <c>this.__XFuture_base_set_Item(i, v)</c>.</summary>
    public override SyntaxNode? VisitAssignmentExpression(AssignmentExpressionSyntax node)
    {
        if (node.Left is not ElementAccessExpressionSyntax { Expression: BaseExpressionSyntax } element ||
            model.GetSymbolInfo(element).Symbol is not IPropertySymbol { RefKind: RefKind.None } indexer)
            return base.VisitAssignmentExpression(node);
        if (!node.IsKind(SyntaxKind.SimpleAssignmentExpression) || node.Parent is not ExpressionStatementSyntax || thisAccess is null)
            throw new UnsupportedConstructException(node, "a base indexer assigned inside an expression or by a compound assignment (write 'var item = base[i];', then 'base[i] = item + 1;' as a statement)");
        var arguments = (BracketedArgumentListSyntax)VisitBracketedArgumentList(element.ArgumentList)!;
        var value = (ExpressionSyntax)Visit(node.Right)!;
        return ParseExpression(BaseIndexerWrite(element, indexer, arguments.Arguments.ToFullString(), value.WithoutTrivia().ToFullString())).WithTriviaFrom(node);
    }

    /// <summary><c>base[arguments] = value</c> through the setter's helper; the texts are already rewritten.</summary>
    public string BaseIndexerWrite(ElementAccessExpressionSyntax element, IPropertySymbol indexer, string arguments, string value) =>
        thisAccess + "." + baseAccessors.IndexerSet(indexer, element) + "(" + arguments + ", value: " + value + ")";

    public override SyntaxNode? VisitAwaitExpression(AwaitExpressionSyntax node) =>
        BodySyntax.IsInsideNestedFunction(node, body)
            ? base.VisitAwaitExpression(node)
            : throw new UnsupportedConstructException(node, "an await in this position (await the value into a local first)");

    /// <summary>
    /// The per-iteration variables a call of a local function of the body passes first (see
    /// <see cref="VariableTable.LocalFunctionCopies"/>): the current ones, fields in the body and parameters inside a
    /// lambda; empty for any other call. The spilled form of a call whose arguments await passes them too.
    /// </summary>
    public IReadOnlyList<string> LocalFunctionCopyArguments(InvocationExpressionSyntax node)
    {
        if (node.Expression is not SimpleNameSyntax || model.GetSymbolInfo(node).Symbol is not IMethodSymbol { MethodKind: MethodKind.LocalFunction } function)
            return [];
        var copies = variables.LocalFunctionCopies(function);
        if (copies.Count == 0) return [];
        var nested = BodySyntax.IsInsideNestedFunction(node, body);
        return copies.Select(c => nested ? c.Name : c.Value).ToList();
    }

    public override SyntaxNode? VisitInvocationExpression(InvocationExpressionSyntax node)
    {
        // nameof(local) would name the field; it is a constant, so write the constant.
        if (node.Expression is IdentifierNameSyntax { Identifier.ValueText: "nameof" } &&
            model.GetConstantValue(node) is { HasValue: true, Value: string name })
            return LiteralExpression(SyntaxKind.StringLiteralExpression, Literal(name)).WithTriviaFrom(node);
        var callee = PollAsyncCallee(model, node);
        // base.Work(): the base declaration's machine, created by a helper (its factory is hidden by the override's).
        var baseFactory = callee is null ? null : BaseFactoryHelper(node, callee);
        var rewritten = baseFactory is null
            ? (InvocationExpressionSyntax)base.VisitInvocationExpression(node)!
            : node.WithExpression(ParseExpression(baseFactory)).WithArgumentList((ArgumentListSyntax)VisitArgumentList(node.ArgumentList)!);
        rewritten = rewritten.WithArgumentList(WithCallerInfo(node, rewritten.ArgumentList));
        if (LocalFunctionCopyArguments(node) is { Count: > 0 } copies)
        {
            var passed = copies.Select(c => Argument(ParseExpression(c)));
            rewritten = rewritten.WithArgumentList(rewritten.ArgumentList.WithArguments(
                SeparatedList(passed.Concat(rewritten.ArgumentList.Arguments), Enumerable.Repeat(Token(SyntaxKind.CommaToken).WithTrailingTrivia(Space), copies.Count + rewritten.ArgumentList.Arguments.Count - 1))));
        }
        return callee is null ? rewritten : ParseExpression(Boxed(node, callee, rewritten, namesFactory: baseFactory is not null)).WithTriviaFrom(node);
    }

    public override SyntaxNode? VisitLiteralExpression(LiteralExpressionSyntax node) =>
        node.Kind() is SyntaxKind.StringLiteralExpression or SyntaxKind.Utf8StringLiteralExpression && StringLiterals.SpansLines(node)
            ? StringLiterals.OnOneLine(node)
            : base.VisitLiteralExpression(node);

    public override SyntaxNode? VisitInterpolation(InterpolationSyntax node)
    {
        var visited = (InterpolationSyntax)base.VisitInterpolation(node)!;
        var expression = visited.Expression.ToFullString();
        return StringLiterals.Hole(expression) == expression
            ? visited
            : visited.WithExpression(ParenthesizedExpression(visited.Expression.WithoutTrivia()).WithTriviaFrom(visited.Expression));
    }

    public override SyntaxNode? VisitInterpolatedStringExpression(InterpolatedStringExpressionSyntax node)
    {
        if (node.StringStartToken.IsKind(SyntaxKind.InterpolatedStringStartToken) || !StringLiterals.SpansLines(node))
            return base.VisitInterpolatedStringExpression(node);
        return ParseExpression(StringLiterals.Interpolated(node, interpolation =>
                StringLiterals.Hole(Visit(interpolation.Expression)!.ToFullString()) +
                (interpolation.AlignmentClause is { } alignment ? "," + Visit(alignment.Value)!.ToFullString() : "")))
            .WithTriviaFrom(node);
    }

    public override SyntaxNode? VisitObjectCreationExpression(ObjectCreationExpressionSyntax node)
    {
        var rewritten = (ObjectCreationExpressionSyntax)base.VisitObjectCreationExpression(node)!;
        return CallerInfoArguments.Of(model, node).Count == 0 ? rewritten
            : rewritten.WithArgumentList(WithCallerInfo(node, rewritten.ArgumentList ?? ArgumentList()));
    }

    public override SyntaxNode? VisitImplicitObjectCreationExpression(ImplicitObjectCreationExpressionSyntax node)
    {
        var rewritten = (ImplicitObjectCreationExpressionSyntax)base.VisitImplicitObjectCreationExpression(node)!;
        return rewritten.WithArgumentList(WithCallerInfo(node, rewritten.ArgumentList));
    }

    /// <summary><paramref name="arguments"/> followed by the caller information C# computes for <paramref name="call"/> where the user wrote it.</summary>
    private ArgumentListSyntax WithCallerInfo(SyntaxNode call, ArgumentListSyntax arguments)
    {
        var callerInfo = CallerInfoArguments.Of(model, call);
        if (callerInfo.Count == 0) return arguments;
        var all = arguments.Arguments.Concat(callerInfo.Select(text => ParseArgumentList("(" + text + ")").Arguments[0]));
        return arguments.WithArguments(SeparatedList(all, Enumerable.Repeat(Token(SyntaxKind.CommaToken).WithTrailingTrivia(Space), arguments.Arguments.Count + callerInfo.Count - 1)));
    }

    /// <summary>
    /// Generated text as an expression, parsed whole: text that does not parse (a name printed without its '@', say)
    /// would otherwise be cut short silently (the rest becomes skipped trivia, which WithTriviaFrom drops), so it
    /// fails the method instead (AG0007, fallback builder) and the machine never differs from the source.
    /// </summary>
    internal static ExpressionSyntax ParseExpression(string text)
    {
        var parsed = SyntaxFactory.ParseExpression(text, consumeFullText: true);
        if (parsed.ContainsDiagnostics)
            throw new System.InvalidOperationException($"generated expression does not parse ({parsed.GetDiagnostics().First().GetMessage(System.Globalization.CultureInfo.InvariantCulture)}): {text}");
        return parsed;
    }

    /// <summary>Generated text as a statement, parsed whole like <see cref="ParseExpression"/>.</summary>
    private static StatementSyntax ParseStatement(string text)
    {
        var parsed = SyntaxFactory.ParseStatement(text, consumeFullText: true);
        if (parsed.ContainsDiagnostics)
            throw new System.InvalidOperationException($"generated statement does not parse ({parsed.GetDiagnostics().First().GetMessage(System.Globalization.CultureInfo.InvariantCulture)}): {text}");
        return parsed;
    }

    /// <summary>
    /// The <c>[PollAsync]</c> method <paramref name="invocation"/> calls (the static form of an extension method), or
    /// null. Generated code is not intercepted, so the machine must create such a callee's machine itself.
    /// </summary>
    public static IMethodSymbol? PollAsyncCallee(SemanticModel model, InvocationExpressionSyntax invocation)
    {
        if (model.GetSymbolInfo(invocation).Symbol is not IMethodSymbol called) return null;
        var method = called.ReducedFrom is not null ? called.GetConstructedReducedFrom() ?? called : called;
        return PollAsyncShape.GetsStruct(method) && !PollAsyncShape.DispatchesVirtually(method, invocation, model) ? method : null;
    }

    /// <summary>
    /// A call of a <c>[PollAsync]</c> method that is not awaited in place (spawned, stored, passed to Join/Select,
    /// made in a lambda): its machine, created by the factory and boxed once, typed as the method's own return type.
    /// With <paramref name="namesFactory"/>, <paramref name="rewritten"/> already calls the factory (a helper calling the base's).
    /// </summary>
    public static string Boxed(InvocationExpressionSyntax original, IMethodSymbol callee, InvocationExpressionSyntax rewritten, bool namesFactory = false)
    {
        var factory = PollAsyncShape.FactoryName(callee);
        ExpressionSyntax target = namesFactory ? rewritten.Expression : rewritten.Expression switch
        {
            GenericNameSyntax generic => generic.WithIdentifier(Identifier(factory)),
            IdentifierNameSyntax => IdentifierName(factory),
            MemberAccessExpressionSyntax { Name: GenericNameSyntax generic } access => access.WithName(generic.WithIdentifier(Identifier(factory))),
            MemberAccessExpressionSyntax access => access.WithName(IdentifierName(factory)),
            _ => throw new UnsupportedConstructException(original,
                $"a call of the [PollAsync] method '{callee.Name}' through '?.' (call it after a null check instead)"),
        };
        if (PollAsyncShape.HasAnonymousTypeArgument(callee))
            throw new UnsupportedConstructException(original, $"a call of the [PollAsync] method '{callee.Name}' with an anonymous type argument");
        var (box, future) = PollAsyncShape.BoxTypes(callee);
        return $"(({future})new {box}({rewritten.WithExpression(target).WithoutTrivia().ToFullString()}))";
    }

    public override SyntaxNode? VisitDeclarationExpression(DeclarationExpressionSyntax node)
    {
        // 'out var x' where x lives in a field: pass the field instead.
        if (node.Designation is SingleVariableDesignationSyntax designation &&
            model.GetDeclaredSymbol(designation) is { } symbol && variables.IsHoisted(symbol))
            return ParseExpression(variables.Access(symbol)!).WithTriviaFrom(node);
        // 'var (a, b) = ...' with a field among them: a tuple of targets, '(_a, var b)', which C# deconstructs into.
        if (node.Designation is ParenthesizedVariableDesignationSyntax parenthesized &&
            parenthesized.DescendantNodes().OfType<SingleVariableDesignationSyntax>().Any(d => model.GetDeclaredSymbol(d) is { } s && variables.IsHoisted(s)))
            return ParseExpression(DeconstructionTargets(parenthesized)).WithTriviaFrom(node);
        return base.VisitDeclarationExpression(node);
    }

    private string DeconstructionTargets(VariableDesignationSyntax designation) => designation switch
    {
        SingleVariableDesignationSyntax single when model.GetDeclaredSymbol(single) is { } symbol =>
            variables.IsHoisted(symbol) ? variables.Access(symbol)! : "var " + (variables.Access(symbol) ?? single.Identifier.Text),
        ParenthesizedVariableDesignationSyntax nested => "(" + string.Join(", ", nested.Variables.Select(DeconstructionTargets)) + ")",
        _ => "_",
    };

    public override SyntaxNode? VisitSingleVariableDesignation(SingleVariableDesignationSyntax node)
    {
        if (model.GetDeclaredSymbol(node) is { } symbol && variables.PatternLocal(symbol) is { } local)
            return node.WithIdentifier(Identifier(local).WithTriviaFrom(node.Identifier));
        return Renamed(node, node.Identifier) is { } name ? node.WithIdentifier(name) : node;
    }

    public override SyntaxNode? VisitIsPatternExpression(IsPatternExpressionSyntax node)
    {
        if (HoistedVariables(node.Pattern).Count == 0) return base.VisitIsPatternExpression(node);
        var operand = ((ExpressionSyntax)Visit(node.Expression)!).WithoutTrivia().ToFullString();
        var test = IsPattern(operand, node.Pattern);
        // `if (o is string s && Hoist(out _s, s))` reads best bare; elsewhere the && must not bind to its neighbours.
        var bare = test.StartsWith("!", System.StringComparison.Ordinal) || node.Parent is IfStatementSyntax or WhileStatementSyntax or DoStatementSyntax or
            ForStatementSyntax or ParenthesizedExpressionSyntax or WhenClauseSyntax or ArgumentSyntax or EqualsValueClauseSyntax or
            ReturnStatementSyntax or ArrowExpressionClauseSyntax || node.Parent.IsKind(SyntaxKind.LogicalAndExpression);
        return ParseExpression(bare ? test : "(" + test + ")").WithTriviaFrom(node);
    }

    /// <summary>
    /// <c>operand is pattern</c>, storing each pattern variable that lives in a field right after the match:
    /// <c>o is string s &amp;&amp; Hoist(out _s, s)</c>, or <c>!(o is string s &amp;&amp; Hoist(out _s, s))</c> for
    /// <c>o is not string s</c> (its variable is assigned when the test fails). A pattern cannot assign a field itself.
    /// </summary>
    public string IsPattern(string operand, PatternSyntax pattern)
    {
        var hoisted = HoistedVariables(pattern);
        if (hoisted.Count == 0) return operand + " is " + Rewrite(pattern);
        var stores = string.Concat(hoisted.Select(h => " && " + Store(h.Symbol)));
        if (hoisted.All(h => NotCount(h.Designation, pattern) == 0))
            return operand + " is " + Rewrite(pattern) + stores;
        var top = pattern;
        while (top is ParenthesizedPatternSyntax parenthesized) top = parenthesized.Pattern;
        if (top is UnaryPatternSyntax { Pattern: var negated } not && not.IsKind(SyntaxKind.NotPattern) &&
            hoisted.All(h => NotCount(h.Designation, negated) == 0))
            return "!(" + operand + " is " + Rewrite(negated) + stores + ")";
        throw new UnsupportedConstructException(pattern, "a pattern variable under a nested 'not' used after an await (a pattern cannot store it in its field there: test without the nested 'not', or copy the variable into a local before the await)");
    }

    public override SyntaxNode? VisitCasePatternSwitchLabel(CasePatternSwitchLabelSyntax node)
    {
        var hoisted = HoistedVariables(node.Pattern);
        if (hoisted.Count == 0) return base.VisitCasePatternSwitchLabel(node);
        if (hoisted.Any(h => NotCount(h.Designation, node.Pattern) > 0))
            throw new UnsupportedConstructException(node.Pattern, "a pattern variable under 'not' used after an await (a case label or switch arm cannot store it in its field there: match without the 'not' and test the rest with an 'is' after it, or copy the variable into a local before the await)");
        var pattern = (PatternSyntax)Visit(node.Pattern)!;
        return node.WithPattern(pattern.WithoutTrivia()).WithWhenClause(StoringGuard(hoisted, node.WhenClause));
    }

    public override SyntaxNode? VisitSwitchExpressionArm(SwitchExpressionArmSyntax node)
    {
        var hoisted = HoistedVariables(node.Pattern);
        if (hoisted.Count == 0) return base.VisitSwitchExpressionArm(node);
        if (hoisted.Any(h => NotCount(h.Designation, node.Pattern) > 0))
            throw new UnsupportedConstructException(node.Pattern, "a pattern variable under 'not' used after an await (a case label or switch arm cannot store it in its field there: match without the 'not' and test the rest with an 'is' after it, or copy the variable into a local before the await)");
        return node.WithPattern(((PatternSyntax)Visit(node.Pattern)!).WithoutTrivia())
            .WithWhenClause(StoringGuard(hoisted, node.WhenClause).WithTrailingTrivia(Space))
            .WithExpression((ExpressionSyntax)Visit(node.Expression)!);
    }

    /// <summary><c>when Hoist(out _s, s) &amp;&amp; (guard)</c>: the stores run first, since the guard reads the fields.</summary>
    private WhenClauseSyntax StoringGuard(List<(SingleVariableDesignationSyntax Designation, ILocalSymbol Symbol)> hoisted, WhenClauseSyntax? when)
    {
        var condition = string.Join(" && ", hoisted.Select(h => Store(h.Symbol)));
        if (when is not null)
        {
            var guard = ((ExpressionSyntax)Visit(when.Condition)!).WithoutTrivia();
            condition += " && " + (guard is ParenthesizedExpressionSyntax or IdentifierNameSyntax or InvocationExpressionSyntax or MemberAccessExpressionSyntax
                ? guard.ToFullString()
                : "(" + guard.ToFullString() + ")");
        }
        return WhenClause(Token(SyntaxKind.WhenKeyword).WithLeadingTrivia(Space).WithTrailingTrivia(Space), ParseExpression(condition));
    }

    /// <summary>True when <paramref name="pattern"/> declares a variable that lives in a field (its test stores it).</summary>
    public bool StoresVariables(PatternSyntax pattern) => HoistedVariables(pattern).Count > 0;

    /// <summary><c> &amp;&amp; Hoist(out _b, b)</c> when the variable <paramref name="designation"/> declares lives in a field, else empty.</summary>
    public string StoreOf(SingleVariableDesignationSyntax designation) =>
        model.GetDeclaredSymbol(designation) is ILocalSymbol symbol && variables.PatternLocal(symbol) is not null ? " && " + Store(symbol) : "";

    private string Store(ILocalSymbol symbol) => $"{GeneratedNames.Hoist}(out {variables.Access(symbol)}, {variables.PatternLocal(symbol)})";

    private List<(SingleVariableDesignationSyntax Designation, ILocalSymbol Symbol)> HoistedVariables(PatternSyntax pattern) =>
        pattern.DescendantNodesAndSelf().OfType<SingleVariableDesignationSyntax>()
            .Select(d => (Designation: d, Symbol: model.GetDeclaredSymbol(d) as ILocalSymbol))
            .Where(d => d.Symbol is not null && variables.PatternLocal(d.Symbol) is not null)
            .Select(d => (d.Designation, d.Symbol!))
            .ToList();

    /// <summary>How many <c>not</c> patterns between <paramref name="designation"/> and <paramref name="root"/> (included).</summary>
    private static int NotCount(SyntaxNode designation, PatternSyntax root) =>
        designation.Ancestors().TakeWhile(a => a != root.Parent).Count(a => a.IsKind(SyntaxKind.NotPattern));

    public override SyntaxNode? VisitVariableDeclarator(VariableDeclaratorSyntax node)
    {
        var rewritten = (VariableDeclaratorSyntax)base.VisitVariableDeclarator(node)!;
        return Renamed(node, node.Identifier) is { } name ? rewritten.WithIdentifier(name) : rewritten;
    }

    public override SyntaxNode? VisitLabeledStatement(LabeledStatementSyntax node)
    {
        var rewritten = (LabeledStatementSyntax)base.VisitLabeledStatement(node)!;
        return BodySyntax.IsInsideNestedFunction(node, body)
            ? rewritten
            : rewritten.WithIdentifier(Identifier(labels.NameOf(node.Identifier.ValueText)).WithTriviaFrom(node.Identifier));
    }

    public override SyntaxNode? VisitForEachStatement(ForEachStatementSyntax node)
    {
        var rewritten = (ForEachStatementSyntax)base.VisitForEachStatement(node)!;
        return Renamed(node, node.Identifier) is { } name ? rewritten.WithIdentifier(name) : rewritten;
    }

    public override SyntaxNode? VisitCatchDeclaration(CatchDeclarationSyntax node)
    {
        var rewritten = (CatchDeclarationSyntax)base.VisitCatchDeclaration(node)!;
        return Renamed(node, node.Identifier) is { } name ? rewritten.WithIdentifier(name) : rewritten;
    }

    public override SyntaxNode? VisitReturnStatement(ReturnStatementSyntax node)
    {
        if (BodySyntax.IsInsideNestedFunction(node, body)) return base.VisitReturnStatement(node);
        var value = node.Expression is null ? "default" : ((ExpressionSyntax)Visit(node.Expression)!).ToFullString().Trim();
        return ParseStatement(jumps.Return(node, value)).WithTriviaFrom(node);
    }

    public override SyntaxNode? VisitBreakStatement(BreakStatementSyntax node) => Jump(node, isBreak: true);

    public override SyntaxNode? VisitContinueStatement(ContinueStatementSyntax node) => Jump(node, isBreak: false);

    public override SyntaxNode? VisitGotoStatement(GotoStatementSyntax node)
    {
        if (!node.IsKind(SyntaxKind.GotoStatement) && TargetSwitch(node) is { } @switch && jumps.IsFlattened(@switch))
        {
            // A flattened switch's sections are labels: `goto case 2` jumps to the label of the section holding `case 2:`.
            var section = SectionOf(node, @switch) ??
                          throw new UnsupportedConstructException(node, "'goto case' whose target label the generator cannot find, in a switch that awaits");
            return ParseStatement(jumps.GotoSection(node, @switch, section)).WithTriviaFrom(node);
        }
        if (node.IsKind(SyntaxKind.GotoStatement) && jumps.IsGuardedByAwaitingFinally(node))
        {
            // Like break and continue: the awaiting finally blocks between the goto and its label run first (innermost
            // first), then the goto, from where each finally block continues (every user label is in the same method).
            if (model.GetSymbolInfo(node.Expression!).Symbol is not ILabelSymbol { DeclaringSyntaxReferences.Length: 1 } label ||
                label.DeclaringSyntaxReferences[0].GetSyntax() is not LabeledStatementSyntax target)
                throw new UnsupportedConstructException(node, "'goto' inside a try block whose finally awaits, to a label the generator cannot find");
            return ParseStatement(jumps.GotoLabel(node, target, labels.NameOf(label.Name))).WithTriviaFrom(node);
        }
        return base.VisitGotoStatement(node);
    }

    public override SyntaxNode? VisitThrowStatement(ThrowStatementSyntax node)
    {
        if (node.Expression is null && !BodySyntax.IsInsideNestedFunction(node, body) &&
            node.Ancestors().OfType<CatchClauseSyntax>().FirstOrDefault() is { } clause &&
            jumps.CaughtExceptionField(clause) is { } field)
            return ParseStatement($"global::System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture({field}!).Throw();").WithTriviaFrom(node);
        return base.VisitThrowStatement(node);
    }

    private SyntaxNode Jump(StatementSyntax node, bool isBreak) =>
        jumps.Jump(node, Target(node, isBreak), isBreak) is { } jump ? ParseStatement(jump).WithTriviaFrom(node) : node;

    /// <summary>The switch statement a <c>goto case</c> or <c>goto default</c> at <paramref name="node"/> belongs to.</summary>
    private static SwitchStatementSyntax? TargetSwitch(SyntaxNode node) =>
        node.Ancestors().TakeWhile(a => !BodySyntax.IsNestedFunction(a)).OfType<SwitchStatementSyntax>().FirstOrDefault();

    /// <summary>The 1-based section of <paramref name="switch"/> whose label the <c>goto case</c>/<c>goto default</c> targets.</summary>
    private int? SectionOf(GotoStatementSyntax node, SwitchStatementSyntax @switch)
    {
        var target = (model.GetOperation(node) as Microsoft.CodeAnalysis.Operations.IBranchOperation)?.Target;
        for (var i = 0; i < @switch.Sections.Count; i++)
        {
            foreach (var label in @switch.Sections[i].Labels)
            {
                if (node.IsKind(SyntaxKind.GotoDefaultStatement) ? label is DefaultSwitchLabelSyntax
                        : label is CaseSwitchLabelSyntax && target is not null && SymbolEqualityComparer.Default.Equals(model.GetDeclaredSymbol(label), target))
                    return i + 1;
            }
        }
        return null;
    }

    private static SyntaxNode? Target(SyntaxNode node, bool isBreak)
    {
        foreach (var ancestor in node.Ancestors())
        {
            if (BodySyntax.IsNestedFunction(ancestor)) return null;
            if (ancestor is WhileStatementSyntax or DoStatementSyntax or ForStatementSyntax or CommonForEachStatementSyntax ||
                (isBreak && ancestor is SwitchStatementSyntax))
                return ancestor;
        }
        return null;
    }

    private SyntaxToken? Renamed(SyntaxNode declaration, SyntaxToken identifier) =>
        model.GetDeclaredSymbol(declaration) is { } symbol && variables.Access(symbol) is { } access && !variables.IsHoisted(symbol)
            ? Identifier(access).WithTriviaFrom(identifier)
            : null;

    private bool IsImplicitThisMember(SimpleNameSyntax node, ISymbol symbol)
    {
        if (symbol.IsStatic || thisAccess is null || symbol.ContainingType is null) return false;
        if (node.Parent is MemberAccessExpressionSyntax access && access.Name == node) return false;
        if (node.Parent is MemberBindingExpressionSyntax or QualifiedNameSyntax or NameColonSyntax or NameEqualsSyntax) return false;
        if (node.Parent is AssignmentExpressionSyntax { Parent: InitializerExpressionSyntax } assignment && assignment.Left == node) return false;
        if (BodySyntax.IsInsideNestedFunction(node, body) && symbol is IMethodSymbol { MethodKind: MethodKind.LocalFunction }) return false;
        if (symbol is IMethodSymbol { MethodKind: MethodKind.LocalFunction }) return false;
        for (var type = containingType; type is not null; type = type.BaseType)
            if (SymbolEqualityComparer.Default.Equals(type, symbol.ContainingType.OriginalDefinition) ||
                SymbolEqualityComparer.Default.Equals(type, symbol.ContainingType))
                return true;
        return false;
    }

    /// <summary>A static member whose simple name, inside the machine struct, would mean one of the struct's own members.</summary>
    private static bool IsHiddenByMachine(SimpleNameSyntax node, ISymbol symbol)
    {
        if (symbol is IMethodSymbol { MethodKind: MethodKind.LocalFunction }) return false; // renamed instead (VariableTable)
        var generatedName = GeneratedNames.IsMachineMember(symbol.Name);
        var qualified = node.Parent is MemberAccessExpressionSyntax access && access.Name == node ||
                        node.Parent is MemberBindingExpressionSyntax;
        return generatedName && !qualified;
    }

    private ExpressionSyntax MemberAccess(SimpleNameSyntax name) =>
        MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, IdentifierName(thisAccess!), name.WithoutTrivia())
            .WithTriviaFrom(name);
}
