namespace AsyncGen.Generator.Model;

/// <summary>Everything the generator emits for one <c>[PollAsync]</c> method, as plain values.</summary>
/// <para><c>Key</c>: Identifies the method for interceptors: containing type + name + signature.</para>
/// <para><c>Body</c>: The body model, or null when the body is unsupported: the struct then wraps the fallback.</para>
/// <para><c>FallbackReason</c>: Why there is no body (the construct and its diagnostic), for the file header.</para>
/// <para><c>CancelEntries</c>: The finally blocks that await which Dispose runs (polling the machine from their entry state).</para>
/// <para><c>CancelledAtField</c>: The field holding the await Dispose cancelled, tested by the catch clauses around
/// an entered finally block so that they let its exceptions pass; null when no catch clause needs it.</para>
/// <para><c>StartedDisposalLines</c>: Lines of the <c>await using</c> statements whose DisposeAsync Dispose starts without waiting for it.</para>
/// <para><c>SynthesizedDelegates</c>: declarations of the delegate types that stand for the ones C# synthesizes
/// for lambdas created by a wrapper (see <c>Rewriting/SynthesizedDelegates</c>).</para>
/// <para><c>UsesHoist</c>: Pattern or catch variables are stored in fields from inside conditions (the
/// <c>Hoist</c> helper is emitted).</para>
/// <para><c>UsesRemember</c>: A switch's patterns read a property once for the labels after an awaiting guard (the
/// <c>Remember</c> helper is emitted; see <c>Rewriting/PatternReads</c>).</para>
/// <para><c>UsesDeconstructed</c>: A switch's patterns call a Deconstruct once for the labels after an awaiting guard
/// (the <c>Deconstructed</c> helper is emitted).</para>
/// <para><c>UsesAsAnonymous</c>, <c>AnonymousShapes</c>: Fields hold values whose type mentions an anonymous type (the
/// <c>AsAnonymous</c> helper is emitted), and the declarations of the helpers giving the shapes of generic types built
/// from them (see <c>Rewriting/AnonymousShapes</c>).</para>
/// <para><c>UsesAnonymousValue</c>: An expression tree lambda reads such a value (the by-value <c>AnonymousValue</c>
/// helper is emitted).</para>
/// <para><c>LambdaCreators</c>: Helpers creating lambdas of delegate types built from anonymous types from an
/// iteration's variables (see <c>AnonymousShapes.CreateLambda</c>).</para>
/// <para><c>ScopeClosures</c>: Closures of blocks inside loops, created each time the block starts.</para>
/// <para><c>BaseAccessors</c>: Declarations of the private members of the user's type through which the machine
/// reaches the base class's members (<c>base.M()</c>; see <c>Rewriting/BaseAccessors</c>).</para>
/// <para><c>Accessibility</c>: Of the struct and its factory: <c>public</c>/<c>internal</c>, or the method's own when
/// its signature uses a private or protected type (the machine could not expose it otherwise), <c>internal</c> when
/// it uses an internal type inside public containing types (CS0050 otherwise).</para>
/// <para><c>HidesStruct</c>, <c>HidesFactory</c>: A base type's generated struct of the same name, or the factory of
/// the <c>[PollAsync]</c> method this one overrides, exists: the generated member is declared <c>new</c> (CS0108).</para>
internal sealed record MachineSpec(
    string Key,
    string HintName,
    string FilePath,
    string? Namespace,
    EquatableArray<string> Usings,
    EquatableArray<string> NamespaceUsings,
    EquatableArray<ContainingTypeSpec> ContainingTypes,
    string MethodName,
    int MethodLine,
    string StructName,
    string FactoryName,
    string TypeParameters,
    string TypeArguments,
    string Constraints,
    string ParameterListText,
    string ArgumentListText,
    bool IsStatic,
    string? ThisType,
    bool ThisIsStruct,
    string ResultType,
    bool ReturnsUnit,
    EquatableArray<ParameterSpec> Parameters,
    EquatableArray<FieldSpec> Fields,
    EquatableArray<FieldSpec> ClosureFields,
    EquatableArray<AwaitSite> Awaits,
    EquatableArray<FinallyModel> FinallyMethods,
    BlockStmt? Body,
    string? FallbackReason = null,
    string? Accessibility = null,
    EquatableArray<PrimaryConstructorAccessor> PrimaryConstructorAccessors = default,
    EquatableArray<CancelEntry> CancelEntries = default,
    string? CancelledAtField = null,
    EquatableArray<int> StartedDisposalLines = default,
    bool UsesHoist = false,
    EquatableArray<ScopeClosureSpec> ScopeClosures = default,
    EquatableArray<string> SynthesizedDelegates = default,
    bool HidesStruct = false,
    bool HidesFactory = false,
    bool UsesAsAnonymous = false,
    EquatableArray<string> AnonymousShapes = default,
    bool UsesRemember = false,
    bool UsesDeconstructed = false,
    EquatableArray<string> LambdaCreators = default,
    bool UsesAnonymousValue = false,
    EquatableArray<string> BaseAccessors = default);
