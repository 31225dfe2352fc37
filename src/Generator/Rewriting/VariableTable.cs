using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using AsyncGen.Generator.Model;
using AsyncGen.Generator.Parsing;

namespace AsyncGen.Generator.Rewriting;

/// <summary>
/// Decides where each parameter and local of the method lives in the machine and how code refers to it:
/// a field (alive across an await: "pinned"), a member of the closure object (also captured by a lambda, which
/// cannot capture fields of a struct), or a plain local (renamed when flattening would make names collide).
/// </summary>
internal sealed class VariableTable
{
    private readonly Dictionary<ISymbol, string> _access = new(SymbolEqualityComparer.Default);
    private readonly HashSet<ISymbol> _hoisted = new(SymbolEqualityComparer.Default);
    private readonly Dictionary<ISymbol, string> _lambdaCopies = new(SymbolEqualityComparer.Default);
    private readonly Dictionary<ISymbol, (string Name, string Type, string Value)> _copyParameters = new(SymbolEqualityComparer.Default);
    private readonly Dictionary<ISymbol, string> _patternLocals = new(SymbolEqualityComparer.Default);
    private readonly List<(string Field, SyntaxNode? Declaration, List<SyntaxNode> Uses)> _liveness = new();
    private readonly Dictionary<IMethodSymbol, List<(string Name, string Type, string Value)>> _localFunctionCopies = new(SymbolEqualityComparer.Default);

    public List<FieldSpec> Fields { get; } = new();

    public List<FieldSpec> ClosureFields { get; } = new();

    public List<ParameterSpec> Parameters { get; } = new();

    /// <summary>Primary-constructor parameters of the containing type that the body uses.</summary>
    public List<PrimaryConstructorAccessor> PrimaryConstructorAccessors { get; } = new();

    public bool HasClosure => ClosureFields.Count > 0;

    /// <summary>Closures of blocks inside loops that await, in order of their first variable.</summary>
    public List<ScopeClosure> ScopeClosures { get; } = new();

    /// <summary>The fields of values whose type mentions an anonymous type (shared with the body builder's spills).</summary>
    public AnonymousShapes Shapes { get; } = new();

    /// <summary>The delegate types the machine declares for lambdas whose natural type C# synthesizes (shared with the body builder).</summary>
    public SynthesizedDelegates SynthesizedDelegates { get; } = new();

    /// <summary>Some condition stores a pattern or catch variable in its field through the <c>Hoist</c> helper.</summary>
    public bool UsesHoist { get; private set; }

    /// <summary>Names are taken from <paramref name="names"/>, which the machine's other fields share.</summary>
    /// <paramref name="thisAccess"/> and <paramref name="structName"/> name the accessors of primary-constructor parameters.
    public VariableTable(SemanticModel model, IMethodSymbol method, SyntaxNode body, NameAllocator names, string? thisAccess, string structName)
    {
        var declarations = Declarations(model, body).ToList();
        var awaits = BodySyntax.OwnAwaits(body).ToList();
        var references = new Dictionary<ISymbol, List<SyntaxNode>>(SymbolEqualityComparer.Default);
        var captured = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        var capturedForFinally = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        foreach (var identifier in body.DescendantNodes().OfType<IdentifierNameSyntax>())
        {
            if (model.GetSymbolInfo(identifier).Symbol is not (ILocalSymbol or IParameterSymbol) || model.GetSymbolInfo(identifier).Symbol is not { } symbol) continue;
            if (!references.TryGetValue(symbol, out var list)) references[symbol] = list = new List<SyntaxNode>();
            list.Add(identifier);
            if (BodySyntax.IsInsideNestedFunction(identifier, body) && !IsDeclaredInside(symbol, identifier, body))
                captured.Add(symbol);
        }
        // Where each local function is named (called or converted): a local it captures is read there too.
        var localFunctionUses = new Dictionary<ISymbol, List<SyntaxNode>>(SymbolEqualityComparer.Default);
        foreach (var identifier in body.DescendantNodes().OfType<IdentifierNameSyntax>())
        {
            if (model.GetSymbolInfo(identifier).Symbol is not IMethodSymbol { MethodKind: MethodKind.LocalFunction } function) continue;
            if (!localFunctionUses.TryGetValue(function, out var list)) localFunctionUses[function] = list = new List<SyntaxNode>();
            list.Add(identifier);
        }
        foreach (var pair in references)
        {
            if (pair.Key is IParameterSymbol { ContainingSymbol: IMethodSymbol { MethodKind: MethodKind.Constructor } constructor } primary &&
                SymbolEqualityComparer.Default.Equals(constructor.ContainingType, method.ContainingType))
                AddPrimaryConstructorParameter(primary, pair.Value.Where(r => r.Parent is not NameColonSyntax).ToList(), thisAccess, structName);
        }

        foreach (var name in declarations.Select(d => d.Symbol.Name).Concat(method.Parameters.Select(p => p.Name)))
            names.Reserve(name);
        foreach (var generated in GeneratedNames.Reserved)
            names.Reserve(generated);
        // A field of the machine hides, for simple names inside it, a member of the user's type of the same name: the
        // local `counter` must not become `_counter` when the body also reads the type's static field `_counter`.
        foreach (var identifier in body.DescendantNodes().OfType<SimpleNameSyntax>())
            names.Reserve(identifier.Identifier.ValueText);

        foreach (var parameter in method.Parameters)
        {
            var type = parameter.Type.ToDisplayString(PollAsyncShape.TypeFormat);
            if (captured.Contains(parameter))
            {
                ClosureFields.Add(new FieldSpec(GeneratedNames.Escaped(parameter.Name), type, "parameter, captured by a lambda"));
                _access[parameter] = GeneratedNames.ClosureMember(GeneratedNames.Escaped(parameter.Name));
                Parameters.Add(new ParameterSpec(parameter.Name, type, GeneratedNames.ClosureMember(GeneratedNames.Escaped(parameter.Name))));
            }
            else
            {
                var field = names.Allocate(GeneratedNames.Field(parameter.Name));
                Fields.Add(new FieldSpec(field, type, "parameter"));
                _liveness.Add((field, null, references.TryGetValue(parameter, out var parameterUses) ? parameterUses : new List<SyntaxNode>()));
                _access[parameter] = field;
                Parameters.Add(new ParameterSpec(parameter.Name, type, field));
            }
        }

        // A finally block without awaits becomes a method of its own (called by Poll's finally and by Dispose), which
        // declares again the local functions it calls; what they capture must therefore live in the machine.
        var finallyFunctions = body.DescendantNodes().OfType<FinallyClauseSyntax>()
            .SelectMany(f => LocalFunctionsReferencedFrom(model, body, f.Block))
            .Select(f => model.GetDeclaredSymbol(f))
            .ToList();
        foreach (var identifier in body.DescendantNodes().OfType<IdentifierNameSyntax>())
        {
            if (model.GetSymbolInfo(identifier).Symbol is not (ILocalSymbol or IParameterSymbol) || model.GetSymbolInfo(identifier).Symbol is not { } symbol ||
                !captured.Contains(symbol) || IsDeclaredInside(symbol, identifier, body))
                continue;
            var function = identifier.Ancestors().OfType<LocalFunctionStatementSyntax>().LastOrDefault(f => !BodySyntax.IsInsideNestedFunction(f, body));
            if (function is not null && finallyFunctions.Contains(model.GetDeclaredSymbol(function), SymbolEqualityComparer.Default))
                capturedForFinally.Add(symbol);
        }

        var awaitContainers = BodySyntax.AwaitContainers(body);
        var awaitingTries = TryRegions(body).Where(region => awaits.Any(a => region.Contains(a.Span))).ToList();
        var seenNames = new HashSet<string>();
        var synthesizedLocals = new HashSet<INamedTypeSymbol>(SymbolEqualityComparer.Default);
        foreach (var (symbol, declaration) in declarations)
        {
            var inNested = BodySyntax.IsInsideNestedFunction(declaration, body);
            var uses = references.TryGetValue(symbol, out var refs) ? refs : new List<SyntaxNode>();
            var iterationScope = !inNested && captured.Contains(symbol) ? IterationScope(declaration, body, awaits) : null;
            var isHoisted = !inNested && (iterationScope is not null || capturedForFinally.Contains(symbol) || IsAliveAcrossAwait(declaration, WithLocalFunctionCalls(model, uses, localFunctionUses), awaits) ||
                                          (captured.Contains(symbol) && IsWrittenAcrossAwait(declaration, uses, awaits)) ||
                                          IsUsedInAwaitingTryFromOutside(declaration, uses, awaitingTries) ||
                                          IsCaseVariableOfFlattenedSwitch(declaration, uses, awaits) ||
                                          IsFilterVariableOfAwaitingCatch(declaration, uses, awaits) ||
                                          IsDeclaredInStatementWrappedForOverflow(model, declaration, symbol, awaitContainers));
            if (isHoisted)
            {
                if (symbol.Type.IsRefLikeType || symbol.IsRef)
                    throw new RefLikeAcrossAwaitException(declaration, symbol.Name, symbol.Type.ToDisplayString());
                _hoisted.Add(symbol);
                if (declaration is SingleVariableDesignationSyntax && !IsDeconstructionOrOutVariable(declaration))
                {
                    // The pattern still declares a local (a pattern cannot assign a field), which the condition
                    // then stores: `o is string s && Hoist(out _s, s)`. Every other use reads the field.
                    _patternLocals[symbol] = seenNames.Add(symbol.Name) ? GeneratedNames.Escaped(symbol.Name) : names.Allocate(symbol.Name + "_");
                    UsesHoist = true;
                }
                else if (declaration is CatchDeclarationSyntax { Parent: CatchClauseSyntax { Filter: { } filter } } &&
                         uses.Any(u => filter.Span.Contains(u.Span)))
                {
                    UsesHoist = true; // `when (Hoist(out _e, __caught) && ...)`: the filter reads the field
                }
                // A type built from an anonymous type is stored with object in its place (AnonymousShapes).
                var anonymous = AnonymousShapes.Mentions(symbol.Type);
                string type;
                if (anonymous) type = AnonymousShapes.StoredType(symbol.Type);
                else if (symbol.Type is INamedTypeSymbol { IsAnonymousType: true, TypeKind: TypeKind.Delegate } synthesized)
                {
                    // `var add = (int x, ref int total) => ...;` kept across an await: a field of the machine's stand-in type.
                    type = SynthesizedDelegates.FieldTypeOf(synthesized, declaration);
                    synthesizedLocals.Add(synthesized);
                }
                else type = AwaitClassifier.TypeName(symbol.Type, declaration);
                string Typed(string storage) => Shapes.Access(storage, symbol.Type, declaration);
                if (iterationScope is not null)
                {
                    var closure = ScopeClosureOf(iterationScope, names);
                    var member = closure.Add(GeneratedNames.Escaped(symbol.Name), type, $"local '{symbol.Name}', captured by a lambda");
                    _access[symbol] = Typed(closure.Field + "." + member);
                    _lambdaCopies[symbol] = Typed(closure.Parameter + "." + member);
                    _copyParameters[symbol] = (closure.Parameter, closure.Type, closure.Field);
                    _liveness.Add((closure.Field + "." + member, declaration, uses));
                }
                else if (captured.Contains(symbol) && (declaration is ForEachStatementSyntax || IsForEachDeconstructionVariable(declaration)))
                {
                    // Each iteration has its own (read-only) foreach variable: a field, which each lambda that
                    // captures it receives as the parameter of a wrapper called where the lambda is created (and
                    // each local function as a parameter of its own).
                    var field = names.Allocate(GeneratedNames.Field(symbol.Name));
                    Fields.Add(new FieldSpec(field, type, $"foreach variable '{symbol.Name}', alive across an await, copied into lambdas"));
                    var copy = names.Allocate(symbol.Name + "Copy");
                    _access[symbol] = Typed(field);
                    _lambdaCopies[symbol] = Typed(copy);
                    _copyParameters[symbol] = (copy, type, field);
                    _liveness.Add((field, declaration, uses));
                }
                else if (captured.Contains(symbol))
                {
                    // C# gives each entry of a catch clause its own exception variable; the method's closure has one.
                    // A catch whose block awaits has a closure of its own (IterationScope); one that does not is a C#
                    // catch, whose variable is in the machine only when a local function a finally calls reads it.
                    if (declaration is CatchDeclarationSyntax && IsInsideLoop(declaration.Parent!, body))
                        throw new UnsupportedConstructException(declaration,
                            $"a lambda capturing the catch variable '{symbol.Name}' in a loop, read by a local function that a finally block calls, in a catch block that does not await (each time the catch runs C# gives it a new variable, the machine would share one: copy it into a local of the catch block, 'var error = {symbol.Name};', and capture that)");
                    var member = GeneratedNames.Escaped(names.Allocate(symbol.Name));
                    ClosureFields.Add(new FieldSpec(member, type, $"local '{symbol.Name}', captured by a lambda"));
                    _access[symbol] = Typed(GeneratedNames.ClosureMember(member));
                    _liveness.Add((GeneratedNames.ClosureField + "." + member, declaration, uses));
                }
                else
                {
                    var field = names.Allocate(GeneratedNames.Field(symbol.Name));
                    Fields.Add(new FieldSpec(field, type, $"local '{symbol.Name}', alive across an await"));
                    _access[symbol] = Typed(field);
                    _liveness.Add((field, declaration, uses));
                }
            }
            else if (!seenNames.Add(symbol.Name) || GeneratedNames.IsTakenInsideMachine(symbol.Name))
            {
                // Flattening merges sibling scopes into one, so a second local of the same name is renamed; so is
                // one named like a local or helper of the machine (`Hoist`, `__resume`), which it would hide.
                _access[symbol] = names.Allocate(symbol.Name + "_");
            }
        }
        foreach (var function in LocalFunctions(body))
        {
            if (model.GetDeclaredSymbol(function) is not IMethodSymbol symbol) continue;
            if (!seenNames.Add(symbol.Name) || GeneratedNames.IsTakenInsideMachine(symbol.Name))
                _access[symbol] = names.Allocate(symbol.Name + "_");
        }
        FindLocalFunctionCopies(model, body);
        foreach (var synthesized in synthesizedLocals)
            SynthesizedDelegates.RequireOneType(model, body, synthesized, _hoisted.Contains,
                lambda => !BodySyntax.IsInsideNestedFunction(lambda, body) && LambdaReceives(model, lambda).Count > 0);
    }

    /// <summary>
    /// The scope of which each run has its own copy of a captured variable declared at <paramref name="declaration"/>,
    /// when the machine flattens that scope (it awaits), or null. A block of a loop that awaits is flattened: its C#
    /// scope is no longer entered once per iteration, so its variables captured by lambdas live in a closure created
    /// each time the block starts. So are the variables of a while, for or do-while condition and of a for
    /// incrementor (each evaluation declares new ones) and those of a switch's sections (one closure for each run of
    /// the switch: its labels store their variables before the section), and the exception variable of a catch clause
    /// whose block awaits (one closure for each exception it catches).
    /// </summary>
    private static SyntaxNode? IterationScope(SyntaxNode declaration, SyntaxNode body, List<SyntaxNode> awaits)
    {
        var loop = declaration.Ancestors().TakeWhile(a => a != body && !BodySyntax.IsNestedFunction(a) && a is not StatementSyntax or ForStatementSyntax or WhileStatementSyntax or DoStatementSyntax)
            .FirstOrDefault(a => a is ForStatementSyntax or WhileStatementSyntax or DoStatementSyntax);
        SyntaxNode? test = loop switch
        {
            WhileStatementSyntax @while when @while.Condition.Span.Contains(declaration.Span) => @while,
            DoStatementSyntax @do when @do.Condition.Span.Contains(declaration.Span) => @do.Condition,
            ForStatementSyntax @for when @for.Condition?.Span.Contains(declaration.Span) == true => @for.Condition,
            ForStatementSyntax @for => @for.Incrementors.FirstOrDefault(i => i.Span.Contains(declaration.Span)),
            _ => null,
        };
        if (test is not null) return awaits.Any(a => loop!.Span.Contains(a.Span)) ? test : null;
        // A catch clause's exception variable is new each time the clause catches; the machine flattens only a catch
        // whose block awaits (the variable of another one stays a C# local, which C# captures itself).
        if (declaration is CatchDeclarationSyntax { Parent: CatchClauseSyntax clause })
            return IsInsideLoop(clause, body) && awaits.Any(a => clause.Block.Span.Contains(a.Span)) ? clause : null;
        var scope = BodySyntax.Scope(declaration);
        if (scope is SwitchSectionSyntax { Parent: SwitchStatementSyntax @switch }) scope = @switch;
        // A using statement's variables are new each time it runs, like a block's (a for header's are not: one per loop).
        return scope is BlockSyntax or SwitchStatementSyntax or UsingStatementSyntax && IsInsideLoop(scope, body) && awaits.Any(a => scope.Span.Contains(a.Span))
            ? scope
            : null;
    }

    /// <summary>
    /// The local functions of the body that code in <paramref name="region"/> calls or converts to a delegate, directly
    /// or through each other, declared outside it; in declaration order.
    /// </summary>
    public static List<LocalFunctionStatementSyntax> LocalFunctionsReferencedFrom(SemanticModel model, SyntaxNode body, SyntaxNode region)
    {
        var declared = LocalFunctions(body).Where(f => !region.Span.Contains(f.Span)).ToList();
        var used = new HashSet<LocalFunctionStatementSyntax>();
        var pending = new Stack<SyntaxNode>();
        pending.Push(region);
        while (pending.Count > 0)
        {
            foreach (var name in pending.Pop().DescendantNodes().OfType<SimpleNameSyntax>())
            {
                if (model.GetSymbolInfo(name).Symbol is not IMethodSymbol { MethodKind: MethodKind.LocalFunction } function) continue;
                var declaration = declared.FirstOrDefault(f => SymbolEqualityComparer.Default.Equals(model.GetDeclaredSymbol(f), function.OriginalDefinition));
                if (declaration is not null && used.Add(declaration)) pending.Push(declaration);
            }
        }
        return declared.Where(used.Contains).ToList();
    }

    /// <summary>Local functions declared in the body itself (not inside a lambda or another local function).</summary>
    private static IEnumerable<LocalFunctionStatementSyntax> LocalFunctions(SyntaxNode body) =>
        body.DescendantNodes(n => n == body || !BodySyntax.IsNestedFunction(n)).OfType<LocalFunctionStatementSyntax>();

    /// <summary>
    /// A local function of the body that reads variables of which each iteration has its own (directly, from a lambda
    /// inside it, or by calling another such local function) receives them as leading parameters, as Roslyn passes a
    /// local function its closure: <c>int Read(Closure2 closure2) =&gt; closure2.copy;</c>. Each call passes the
    /// current ones, so a local function of an earlier iteration, turned into a delegate, keeps its own variables.
    /// </summary>
    private void FindLocalFunctionCopies(SemanticModel model, SyntaxNode body)
    {
        var functions = LocalFunctions(body).Select(f => (Syntax: f, Symbol: model.GetDeclaredSymbol(f) as IMethodSymbol))
            .Where(f => f.Symbol is not null && !f.Syntax.Modifiers.Any(m => m.IsKind(Microsoft.CodeAnalysis.CSharp.SyntaxKind.StaticKeyword)))
            .ToList();
        if (functions.Count == 0 || _lambdaCopies.Count == 0) return;
        var symbols = new HashSet<IMethodSymbol>(functions.Select(f => f.Symbol!), SymbolEqualityComparer.Default);
        var calls = new Dictionary<IMethodSymbol, List<IMethodSymbol>>(SymbolEqualityComparer.Default);
        foreach (var (syntax, symbol) in functions)
        {
            _localFunctionCopies[symbol!] = ReferencedCopies(model, syntax).ToList();
            calls[symbol!] = syntax.DescendantNodes().OfType<SimpleNameSyntax>()
                .Select(n => (model.GetSymbolInfo(n).Symbol as IMethodSymbol)?.OriginalDefinition)
                .OfType<IMethodSymbol>()
                .Where(symbols.Contains)
                .ToList();
        }
        // Calls pass the callee's variables on: repeat until no function gains one (recursion included).
        for (var changed = true; changed;)
        {
            changed = false;
            foreach (var (_, symbol) in functions)
            {
                var needed = _localFunctionCopies[symbol!];
                foreach (var callee in calls[symbol!])
                    foreach (var copy in _localFunctionCopies[callee])
                        if (!needed.Contains(copy)) { needed.Add(copy); changed = true; }
            }
        }
    }

    /// <summary>The wrapper or local-function parameters through which code inside <paramref name="function"/> reads its per-iteration variables.</summary>
    private IEnumerable<(string Name, string Type, string Value)> ReferencedCopies(SemanticModel model, SyntaxNode function) =>
        function.DescendantNodes().OfType<IdentifierNameSyntax>()
            .Select(i => model.GetSymbolInfo(i).Symbol)
            .OfType<ILocalSymbol>()
            .Where(s => LambdaCopy(s) is not null)
            .Select(LambdaParameter)
            .Distinct();

    /// <summary>
    /// What a lambda (or anonymous method) of the body receives from the wrapper that creates it: the per-iteration
    /// variables it reads and those of the local functions it refers to.
    /// </summary>
    public List<(string Name, string Type, string Value)> LambdaReceives(SemanticModel model, SyntaxNode lambda) =>
        ReferencedCopies(model, lambda)
            .Concat(lambda.DescendantNodes().OfType<SimpleNameSyntax>()
                .Select(n => (model.GetSymbolInfo(n).Symbol as IMethodSymbol)?.OriginalDefinition)
                .OfType<IMethodSymbol>()
                .SelectMany(LocalFunctionCopies))
            .Distinct()
            .ToList();

    /// <summary>The per-iteration variables local function <paramref name="function"/> receives as leading parameters (see <see cref="FindLocalFunctionCopies"/>).</summary>
    public IReadOnlyList<(string Name, string Type, string Value)> LocalFunctionCopies(IMethodSymbol function) =>
        _localFunctionCopies.TryGetValue(function.OriginalDefinition, out var copies) ? copies : System.Array.Empty<(string, string, string)>();

    private void AddPrimaryConstructorParameter(IParameterSymbol parameter, List<SyntaxNode> uses, string? thisAccess, string structName)
    {
        if (uses.Count == 0) return; // only named arguments of some call: not this parameter at all
        if (thisAccess is null) throw new UnsupportedConstructException(uses[0], $"the primary constructor parameter '{parameter.Name}' in a static method");
        if (uses.FirstOrDefault(u => u.Parent is ArgumentSyntax { RefKindKeyword.RawKind: not 0 }) is { } byRef)
            throw new UnsupportedConstructException(byRef, $"the primary constructor parameter '{parameter.Name}' passed by reference (copy it to a local first)");
        var written = uses.Any(u => u.Parent is AssignmentExpressionSyntax assignment && assignment.Left == u ||
                                    u.Parent is PrefixUnaryExpressionSyntax or PostfixUnaryExpressionSyntax);
        var property = GeneratedNames.PrimaryConstructorAccessor(structName, parameter.Name);
        PrimaryConstructorAccessors.Add(new PrimaryConstructorAccessor(parameter.Name, parameter.Type.ToDisplayString(PollAsyncShape.TypeFormat), property, written));
        _access[parameter] = thisAccess + "." + property;
    }

    /// <summary>How generated code refers to <paramref name="symbol"/>, or null when it keeps its own name.</summary>
    public string? Access(ISymbol symbol) => _access.TryGetValue(symbol, out var access) ? access : null;

    public bool IsHoisted(ISymbol symbol) => _hoisted.Contains(symbol);

    /// <summary>
    /// For a hoisted pattern variable, the name of the local its pattern still declares (and the condition stores
    /// into the field right after the match); null for other variables.
    /// </summary>
    public string? PatternLocal(ISymbol symbol) => _patternLocals.TryGetValue(symbol, out var local) ? local : null;

    /// <summary>
    /// For a variable of which each iteration has its own (a hoisted foreach variable captured by lambdas, a variable
    /// of a <see cref="ScopeClosure"/>), how lambdas refer to it: through a parameter of the wrapper that creates
    /// them (<c>nameCopy</c>, <c>closure2.name</c>); null for other variables.
    /// </summary>
    public string? LambdaCopy(ISymbol symbol) => _lambdaCopies.TryGetValue(symbol, out var copy) ? copy : null;

    /// <summary>
    /// The parameter of the wrapper creating a lambda that reads <paramref name="symbol"/> through
    /// <see cref="LambdaCopy"/>: its name, type and the value passed (the current value, or the current closure).
    /// </summary>
    private (string Name, string Type, string Value) LambdaParameter(ILocalSymbol symbol) => _copyParameters[symbol];

    /// <summary>The closure of <paramref name="block"/>, created on its first variable.</summary>
    public ScopeClosure? ScopeClosureOf(SyntaxNode block) => ScopeClosures.FirstOrDefault(c => c.Scope == block);

    private ScopeClosure ScopeClosureOf(SyntaxNode block, NameAllocator names)
    {
        if (ScopeClosureOf(block) is { } existing) return existing;
        var number = ScopeClosures.Count + 2; // Closure is the method's own
        var closure = new ScopeClosure(block, GeneratedNames.ScopeClosureType(number),
            names.Allocate(GeneratedNames.ScopeClosureField(number)), names.Allocate("closure" + number.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        ScopeClosures.Add(closure);
        Fields.Add(new FieldSpec(closure.Field, closure.Type, "the current iteration's variables captured by lambdas"));
        return closure;
    }

    private static bool IsInsideLoop(SyntaxNode node, SyntaxNode body) =>
        node.Ancestors().TakeWhile(a => a != body && !BodySyntax.IsNestedFunction(a))
            .Any(a => a is WhileStatementSyntax or DoStatementSyntax or ForStatementSyntax or CommonForEachStatementSyntax) ||
        IsEnteredAgainByGoto(node, body);

    /// <summary>
    /// `again: { var copy = i; fs.Add(() =&gt; copy); await ...; } if (++i &lt; 3) goto again;`: a goto from inside or after
    /// <paramref name="node"/> to a label at or before its start enters it again, and each entry has its own variables.
    /// </summary>
    private static bool IsEnteredAgainByGoto(SyntaxNode node, SyntaxNode body) =>
        body.DescendantNodes(n => !BodySyntax.IsNestedFunction(n)).OfType<GotoStatementSyntax>()
            .Where(g => g.IsKind(Microsoft.CodeAnalysis.CSharp.SyntaxKind.GotoStatement) && g.SpanStart >= node.SpanStart && g.Expression is IdentifierNameSyntax)
            .Any(g => body.DescendantNodes(n => !BodySyntax.IsNestedFunction(n)).OfType<LabeledStatementSyntax>()
                .Any(l => l.Identifier.ValueText == ((IdentifierNameSyntax)g.Expression!).Identifier.ValueText && l.SpanStart <= node.SpanStart));

    /// <summary>
    /// The fields of parameters and locals whose value is still needed after <paramref name="await"/> (for the file
    /// header: what a suspended machine holds there). Spilled temporaries are not listed.
    /// </summary>
    public EquatableArray<string> LiveAcross(SyntaxNode await)
    {
        var awaits = new List<SyntaxNode> { await };
        return _liveness
            .Where(v => v.Declaration != await) // the disposal of a using variable is its last use
            .Where(v => v.Declaration is null
                ? v.Uses.Any(u => u.SpanStart >= await.Span.End || IsInLoopWith(await, u))
                : IsAliveAcrossAwait(v.Declaration, v.Uses, awaits))
            .Select(v => v.Field)
            .ToEquatableArray();
    }

    private static bool IsInLoopWith(SyntaxNode await, SyntaxNode use) =>
        await.Ancestors().Any(loop => loop is WhileStatementSyntax or DoStatementSyntax or ForStatementSyntax or CommonForEachStatementSyntax &&
                                      loop.Span.Contains(use.Span));

    /// <summary>
    /// A local must outlive a suspension when an await that follows its declaration (in its scope) is followed by
    /// a use, or when a loop inside its scope holds both an await and a use (the next iteration reads it).
    /// </summary>
    /// <summary>
    /// A variable a lambda captures and the method assigns after an await in its scope (`one = await Later("uno")`,
    /// `parsed += await x`, or an assignment in a loop that awaits): the lambda may read it later, so the assignment
    /// must reach the variable the lambda holds, which a plain local of <c>Poll</c> does not outlive.
    /// </summary>
    private static bool IsWrittenAcrossAwait(SyntaxNode declaration, List<SyntaxNode> references, List<SyntaxNode> awaits)
    {
        var scope = BodySyntax.Scope(declaration);
        var later = awaits.Where(a => scope.Span.Contains(a.Span) && a.SpanStart >= declaration.Span.End).ToList();
        if (later.Count == 0) return false;
        var flow = new List<SyntaxNode>();
        foreach (var reference in references)
        {
            if (reference is not ExpressionSyntax expression || BodySyntax.IsInsideNestedFunction(reference, scope)) continue;
            var written = expression.Parent switch
            {
                AssignmentExpressionSyntax assignment => assignment.Left == expression,
                PrefixUnaryExpressionSyntax or PostfixUnaryExpressionSyntax => true,
                ArgumentSyntax { RefKindKeyword.RawKind: not 0 } => true,
                _ => false,
            };
            if (written) flow.Add(reference);
        }
        return flow.Any(w => later.Any(a => w.SpanStart >= a.SpanStart ||
                                            w.FirstAncestorOrSelf<StatementSyntax>() is { } statement && statement.Span.Contains(a.Span) ||
                                            a.Ancestors().TakeWhile(l => l != scope).Any(l => l is WhileStatementSyntax or DoStatementSyntax or ForStatementSyntax or CommonForEachStatementSyntax && l.Span.Contains(w.Span))));
    }

    private static bool IsAliveAcrossAwait(SyntaxNode declaration, List<SyntaxNode> references, List<SyntaxNode> awaits)
    {
        var scope = BodySyntax.Scope(declaration);
        var declared = declaration is ForEachStatementSyntax forEach ? forEach.Identifier.Span.End : declaration.Span.End;
        // var (a, b) = (await x, await y): the variables are assigned after the right side.
        if (declaration.Ancestors().OfType<AssignmentExpressionSyntax>().FirstOrDefault(a => a.Left.Span.Contains(declaration.Span)) is { } deconstruction)
            declared = deconstruction.Span.End;
        // A using that awaits (in its resource, after it in its scope, or in its disposal) is taken apart into a
        // try whose finally disposes the variable, possibly from a method of its own: the variable is a field.
        if (declaration.Parent?.Parent is UsingStatementSyntax or LocalDeclarationStatementSyntax { UsingKeyword.RawKind: not 0 })
        {
            var @using = declaration.Parent.Parent;
            var awaitUsing = @using is UsingStatementSyntax statement ? statement.AwaitKeyword.RawKind != 0 : ((LocalDeclarationStatementSyntax)@using).AwaitKeyword.RawKind != 0;
            return awaitUsing || awaits.Any(a => scope.Span.Contains(a.Span) && a.SpanStart >= @using.SpanStart);
        }
        foreach (var await in awaits)
        {
            if (!scope.Span.Contains(await.Span) || await.SpanStart < declared) continue;
            // The foreach's own collection is evaluated before its variable exists, though written after it.
            if (declaration is ForEachStatementSyntax { Expression: var collection } && collection.Span.Contains(await.Span)) continue;
            // The variable of a catch that awaits is filled after the try from the recorded exception: a field.
            if (declaration is CatchDeclarationSyntax) return true;
            if (references.Any(r => r.SpanStart >= await.Span.End || (await is not AwaitExpressionSyntax && await.Span.Contains(r.Span)) ||
                                    IsReceiverUsedAfter(r, await)))
                return true;
            for (var loop = await.Parent; loop is not null; loop = loop.Parent)
            {
                // A for-loop variable (scope: the loop) lives across iterations; foreach variables are fresh each time.
                var carries = loop is WhileStatementSyntax or DoStatementSyntax or ForStatementSyntax or CommonForEachStatementSyntax &&
                              (loop.SpanStart > declared || (loop == scope && loop is ForStatementSyntax or WhileStatementSyntax));
                if (carries && references.Any(r => loop.Span.Contains(r.Span))) return true;
                if (loop == scope) break;
            }
        }
        return false;
    }

    /// <summary>
    /// <c>local.M(await x)</c>, <c>local[await k]</c>, <c>local[k] += await x</c>, <c>local.P.X = await x</c>,
    /// <c>(local[i], b) = await x</c>, <c>M(out local.F, await x)</c>: spilling keeps a local receiver as the variable
    /// (a struct must not be copied, a location must be the one written), so the call, access or store that reads it
    /// runs after the await.
    /// </summary>
    private static bool IsReceiverUsedAfter(SyntaxNode reference, SyntaxNode await)
    {
        var access = reference.Parent;
        if (!(access is MemberAccessExpressionSyntax member && member.Expression == reference ||
              access is ElementAccessExpressionSyntax element && element.Expression == reference))
            return false;
        // The location the local is the root of: `local.P.X` (a struct field of a field), `local.P.Add(...)`.
        SyntaxNode use = access;
        while (use.Parent is MemberAccessExpressionSyntax outer && outer.Expression == use ||
               use.Parent is ElementAccessExpressionSyntax outerElement && outerElement.Expression == use ||
               use.Parent is InvocationExpressionSyntax invocation && invocation.Expression == use)
            use = use.Parent;
        if (use.Span.Contains(await.Span)) return true;
        // A ref or out argument is passed after the arguments that follow it are evaluated.
        if (use.Parent is ArgumentSyntax { RefKindKeyword.RawKind: not 0, Parent: BaseArgumentListSyntax arguments } argument &&
            arguments.Span.Contains(await.Span) && await.SpanStart >= argument.Span.End)
            return true;
        // An assignment's target, possibly an element of a deconstruction's tuple, is written after its right side.
        var target = use;
        while (target.Parent is ParenthesizedExpressionSyntax or ArgumentSyntax { Parent: TupleExpressionSyntax } ||
               target.Parent is TupleExpressionSyntax && target is ArgumentSyntax)
            target = target.Parent;
        return target.Parent is AssignmentExpressionSyntax assignment && assignment.Left == target && assignment.Right.Span.Contains(await.Span);
    }

    /// <summary>
    /// Resuming inside a try jumps to the try's start and dispatches from there, so for the compiler's definite
    /// assignment every statement of the try follows that jump: a local declared before the try and used in it
    /// must be a field.
    /// </summary>
    private static bool IsUsedInAwaitingTryFromOutside(SyntaxNode declaration, List<SyntaxNode> references, List<Microsoft.CodeAnalysis.Text.TextSpan> tries) =>
        tries.Any(t => !t.Contains(declaration.Span) && references.Any(r => t.Contains(r.Span)));

    /// <summary>The spans that become C# try blocks: try bodies, using bodies (and the rest of the block after a
    /// using declaration) and foreach bodies (the enumerator is disposed in a finally).</summary>
    private static IEnumerable<Microsoft.CodeAnalysis.Text.TextSpan> TryRegions(SyntaxNode body)
    {
        foreach (var node in body.DescendantNodes())
        {
            switch (node)
            {
                case TryStatementSyntax t:
                    yield return t.Block.Span;
                    break;
                case UsingStatementSyntax u:
                    yield return u.Statement.Span;
                    break;
                case CommonForEachStatementSyntax f:
                    yield return f.Statement.Span;
                    break;
                case LocalDeclarationStatementSyntax { UsingKeyword.RawKind: not 0, Parent: BlockSyntax block } d:
                    yield return Microsoft.CodeAnalysis.Text.TextSpan.FromBounds(d.Span.End, block.Span.End);
                    break;
            }
        }
    }

    /// <summary>
    /// A switch that awaits is flattened: its labels only jump to the sections, which run outside the C# switch, so
    /// a variable its case labels declare and its section uses must be a field.
    /// </summary>
    private static bool IsCaseVariableOfFlattenedSwitch(SyntaxNode declaration, List<SyntaxNode> references, List<SyntaxNode> awaits) =>
        declaration.Ancestors().TakeWhile(a => a is not StatementSyntax).OfType<SwitchLabelSyntax>().FirstOrDefault() is
            { Parent: SwitchSectionSyntax { Parent: SwitchStatementSyntax @switch } section } &&
        awaits.Any(a => @switch.Span.Contains(a.Span)) &&
        references.Any(r => section.Statements.Any(s => s.Span.Contains(r.Span)));

    /// <summary>
    /// The uses of a local plus the places that name a local function reading it: <c>int Next() =&gt; ++calls;</c>
    /// called after an await reads <c>calls</c> there, so it lives across that await. Transitively: a local function
    /// naming <c>Next</c> (<c>int Twice() =&gt; Next() + Next();</c>) reads <c>calls</c> wherever it is named, and
    /// functions naming each other (recursion) are followed once each.
    /// </summary>
    private static List<SyntaxNode> WithLocalFunctionCalls(SemanticModel model, List<SyntaxNode> uses, Dictionary<ISymbol, List<SyntaxNode>> localFunctionUses)
    {
        List<SyntaxNode>? result = null;
        HashSet<ISymbol>? followed = null;
        var pending = new Stack<SyntaxNode>(uses);
        while (pending.Count > 0)
        {
            var use = pending.Pop();
            if (use.Ancestors().OfType<LocalFunctionStatementSyntax>().FirstOrDefault() is not { } function ||
                model.GetDeclaredSymbol(function) is not { } symbol || !localFunctionUses.TryGetValue(symbol, out var calls) ||
                !(followed ??= new HashSet<ISymbol>(SymbolEqualityComparer.Default)).Add(symbol))
                continue;
            result ??= new List<SyntaxNode>(uses);
            foreach (var call in calls.Where(c => !function.Span.Contains(c.Span)))
            {
                result.Add(call);
                pending.Push(call);
            }
        }
        return result ?? uses;
    }

    /// <summary>
    /// A variable declared in the filter of a catch whose block awaits (<c>when (e is X { Code: var code })</c>) and
    /// read in that block: the block runs after the C# catch clause that declares it, so the filter stores it.
    /// </summary>
    private static bool IsFilterVariableOfAwaitingCatch(SyntaxNode declaration, List<SyntaxNode> references, List<SyntaxNode> awaits) =>
        declaration.Ancestors().TakeWhile(a => a is not StatementSyntax).OfType<CatchFilterClauseSyntax>().FirstOrDefault() is
            { Parent: CatchClauseSyntax clause } &&
        awaits.Any(a => clause.Block.Span.Contains(a.Span)) &&
        references.Any(r => clause.Block.Span.Contains(r.Span));

    /// <summary>
    /// A variable that an increment or compound assignment statement declares (<c>x += M(out var y);</c>,
    /// <c>x += o is int n ? n : 0;</c>) inside a <c>checked</c>/<c>unchecked</c> block that awaits: the statement is
    /// written in a <c>checked { }</c> block of its own (<see cref="OverflowContext"/>), which would end the variable's
    /// scope there, so the variable is a field that the statement assigns and later statements read. A ref struct
    /// cannot be a field: it stays AG0005 at the statement.
    /// </summary>
    private static bool IsDeclaredInStatementWrappedForOverflow(SemanticModel model, SyntaxNode declaration, ILocalSymbol symbol, HashSet<SyntaxNode> awaitContainers) =>
        !symbol.Type.IsRefLikeType &&
        declaration.Ancestors().TakeWhile(a => !BodySyntax.IsNestedFunction(a)).OfType<StatementSyntax>().FirstOrDefault() is ExpressionStatementSyntax statement &&
        OverflowContext.IsContextDependent(model, statement.Expression) &&
        OverflowContext.FlattenedKeyword(statement, awaitContainers) is not null;

    /// <summary>A variable of <c>foreach (var (k, v) in ...)</c>: new in each iteration, like a foreach variable.</summary>
    private static bool IsForEachDeconstructionVariable(SyntaxNode designation) =>
        designation is SingleVariableDesignationSyntax &&
        designation.Ancestors().TakeWhile(a => a is VariableDesignationSyntax or DeclarationExpressionSyntax or TupleExpressionSyntax or ArgumentSyntax)
            .LastOrDefault()?.Parent is ForEachVariableStatementSyntax;

    /// <summary><c>out var x</c> and <c>var (a, b) = ...</c>: declarations the rewriter turns into assignments of fields.</summary>
    private static bool IsDeconstructionOrOutVariable(SyntaxNode designation)
    {
        var node = designation.Parent;
        while (node is ParenthesizedVariableDesignationSyntax) node = node.Parent;
        return node is DeclarationExpressionSyntax;
    }

    private static bool IsDeclaredInside(ISymbol symbol, SyntaxNode use, SyntaxNode body)
    {
        var declaration = symbol.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax();
        if (declaration is null) return false;
        for (var node = use.Parent; node is not null && node != body; node = node.Parent)
            if (BodySyntax.IsNestedFunction(node)) return node.Span.Contains(declaration.Span);
        return false;
    }

    private static IEnumerable<(ILocalSymbol Symbol, SyntaxNode Declaration)> Declarations(SemanticModel model, SyntaxNode body)
    {
        foreach (var node in body.DescendantNodes())
        {
            var symbol = node switch
            {
                VariableDeclaratorSyntax or SingleVariableDesignationSyntax or ForEachStatementSyntax or CatchDeclarationSyntax =>
                    model.GetDeclaredSymbol(node) as ILocalSymbol,
                _ => null,
            };
            if (symbol is not null) yield return (symbol, node);
        }
    }
}
