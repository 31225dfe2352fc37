namespace AsyncGen.Generator.Model;

/// <summary>Everything the generator emits for one <c>[PollAsync]</c> method, as plain values.</summary>
/// <para><c>Key</c>: Identifies the method for interceptors: containing type + name + signature.</para>
/// <para><c>Body</c>: The body model, or null when the body is unsupported: the struct then wraps the fallback.</para>
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
    BlockStmt? Body);

/// <summary>A type enclosing the method: <c>partial class Demo&lt;T&gt;</c> and its constraints.</summary>
internal sealed record ContainingTypeSpec(string Keyword, string Name, string TypeParameters, string Constraints);

/// <summary>A parameter of the method, copied into a field by the machine's constructor.</summary>
internal sealed record ParameterSpec(string Name, string Type, string FieldName);

/// <summary>A field of the machine: a local alive across an await, a spilled temporary, a pending exception.</summary>
internal sealed record FieldSpec(string Name, string Type, string Comment);

/// <summary>How an awaited value is driven.</summary>
internal enum AwaitKind
{
    /// <summary>A struct future (a [PollAsync] machine or e.g. <c>SleepFuture</c>), embedded by value.</summary>
    StructFuture,

    /// <summary>A future object (<c>Future&lt;T&gt;</c>, <c>JoinHandle&lt;T&gt;</c>), held by reference.</summary>
    ClassFuture,

    /// <summary>Any other awaitable (<c>Task</c>, <c>ValueTask</c>, custom): its awaiter wakes us via a relay.</summary>
    Awaiter,
}

/// <summary>One await: the state number it suspends in, what it starts and where its result goes.</summary>
/// <para><c>ResultType</c>: Fully qualified type of the await expression; null when it is void.</para>
/// <para><c>Start</c>: Expression evaluated once to create the future or the awaiter.</para>
/// <para><c>Description</c>: The awaited expression as the user wrote it, for the header comment.</para>
internal sealed record AwaitSite(
    int State, AwaitKind Kind, string FieldName, string FieldType, string? ResultType, string Start,
    int Line, string Description, EquatableArray<int> EnclosingFinallies);
