using System.Globalization;
using System.Linq;

namespace AsyncGen.Generator;

/// <summary>
/// Every name the generator invents and more than one stage relies on (Roslyn keeps its own in one
/// <c>GeneratedNames</c> class for the same reason): rewriting writes code that reads these fields, locals and
/// labels, lowering declares them, emitting declares the members. Stages agree through this class, never through
/// strings spelled twice.
/// </summary>
internal static class GeneratedNames
{
    /// <summary>The machine's state field: 0 created, N &gt; 0 suspended at await N, -1 running or finished.</summary>
    public const string State = "_state";

    /// <summary>The state being resumed, read by the dispatch at the top of each region.</summary>
    public const string Resume = "__resume";

    /// <summary>The <c>ref Context</c> parameter of Poll.</summary>
    public const string Context = "cx";

    /// <summary>The wake relay shared by every awaiter-kind await.</summary>
    public const string Relay = "_relay";

    /// <summary>The field holding the user's <c>this</c>.</summary>
    public const string ThisField = "_this";

    /// <summary>The local copy of <see cref="ThisField"/> every method starts with, so that lambdas can capture it.</summary>
    public const string ThisLocal = "__this";

    /// <summary>The nested class holding variables captured by lambdas.</summary>
    public const string ClosureType = "Closure";

    /// <summary>The closure class of the <paramref name="number"/>-th block (from 2) whose captured variables are new in each iteration.</summary>
    public static string ScopeClosureType(int number) => ClosureType + N(number);

    /// <summary>The field holding the current instance of <see cref="ScopeClosureType"/> <paramref name="number"/>.</summary>
    public static string ScopeClosureField(int number) => ClosureField + N(number);

    /// <summary>The field holding the <see cref="ClosureType"/> instance.</summary>
    public const string ClosureField = "_closure";

    /// <summary>The local copy of <see cref="ClosureField"/> every method starts with, so that lambdas can capture it.</summary>
    public const string ClosureLocal = "__closure";

    /// <summary>The exception variable of a generated catch clause.</summary>
    public const string Caught = "__caught";

    /// <summary>The helper that disposes an embedded struct future in place.</summary>
    public const string DisposeChild = "DisposeChild";

    /// <summary>
    /// The helper that stores a pattern or catch variable in its field from inside a condition, where C# allows no
    /// statement: <c>o is string s &amp;&amp; Hoist(out _s, s)</c>, <c>catch (E __caught) when (Hoist(out _e, __caught) &amp;&amp; ...)</c>.
    /// </summary>
    public const string Hoist = "Hoist";

    /// <summary>
    /// The helper that keeps a property a switch's patterns read once, for the labels tested after an awaiting guard:
    /// <c>(_hasReadV ? _readV : Remember(out _hasReadV, out _readV, __in1.V))</c> (see <c>Rewriting/PatternReads</c>).
    /// </summary>
    public const string Remember = "Remember";

    /// <summary>
    /// The helper that records a Deconstruct call a switch's patterns make once into fields, for the labels tested after
    /// an awaiting guard: <c>(_hasDeconstructed || Deconstructed(out _hasDeconstructed, (_deconstructed, _deconstructed2) = __in1))</c>.
    /// </summary>
    public const string Deconstructed = "Deconstructed";

    /// <summary>
    /// The helper that reads a field holding a value whose type mentions an anonymous type as a variable of that type:
    /// <c>AsAnonymous(ref _p, false ? new { Name = default(string)! } : default!)</c> (see <c>Rewriting/AnonymousShapes</c>).
    /// </summary>
    public const string AsAnonymous = "AsAnonymous";

    /// <summary>
    /// The by-value twin of <see cref="AsAnonymous"/> for reads inside an expression tree lambda, where C# forbids a
    /// ref-returning call (CS8153): <c>AnonymousValue(__closure.filter, false ? new { Min = default(int) } : default!)</c>.
    /// </summary>
    public const string AnonymousValue = "AnonymousValue";

    /// <summary>The prefix of the never-called helpers that give the shape of a generic type built from an anonymous type.</summary>
    public const string AnonymousShapePrefix = "AnonymousShape";

    /// <summary>The <paramref name="number"/>-th helper giving a generic type's shape: <c>AnonymousShape1</c>.</summary>
    public static string AnonymousShape(int number) => AnonymousShapePrefix + N(number);

    /// <summary>The prefix of the helpers that create a lambda of a delegate type built from an anonymous type from an iteration's variables.</summary>
    public const string LambdaCreatorPrefix = "CreateLambda";

    /// <summary>The helper creating such a lambda from <paramref name="arity"/> variables: <c>CreateLambda1</c>.</summary>
    public static string LambdaCreator(int arity) => LambdaCreatorPrefix + N(arity);

    /// <summary>The range variable of a query written on from a stored part whose elements carry several range variables.</summary>
    public const string QueryRow = "__row";

    /// <summary>The type of the awaiter field and of the result of an await of a <c>dynamic</c> value.</summary>
    public const string DynamicType = "dynamic";

    /// <summary>
    /// The local through which a dynamic awaiter is registered with the wake relay: C#'s own dynamic await casts
    /// the awaiter to <c>INotifyCompletion</c> the same way.
    /// </summary>
    public const string DynamicAwaiter = "__awaiter";

    /// <summary>The property <c>[DebuggerDisplay]</c> shows: the state and the source line.</summary>
    public const string DebuggerDisplay = "__DebuggerDisplay";

    /// <summary>The members of the machine struct (and <see cref="FinallyPrefix"/>).</summary>
    public const string Poll = "Poll";

    /// <summary>The machine's cancellation method.</summary>
    public const string Dispose = "Dispose";

    /// <summary>The machine's in-place cancel (<c>IFuture&lt;T&gt;.CancelInPlace</c>), which a cancelling parent calls on its child.</summary>
    public const string CancelInPlace = "CancelInPlace";

    /// <summary>The method running a finally block without awaits: <c>Finally{Id}</c>.</summary>
    public const string FinallyPrefix = "Finally";

    /// <summary>Identifiers the generator uses inside the machine, which user locals must not take.</summary>
    public static readonly string[] Reserved =
        { Context, Resume, ThisLocal, ClosureLocal, State, Relay, ClosureField, ThisField, Poll, Dispose, Hoist, Remember, Deconstructed, AsAnonymous, AnonymousValue };

    /// <summary>Members of the machine whose simple name hides a static member of the user's type.</summary>
    public static bool IsMachineMember(string name) =>
        name is Poll or Dispose or CancelInPlace or DisposeChild or Hoist or Remember or Deconstructed or AsAnonymous or AnonymousValue or ClosureType or CollectFrames or
            State or Relay or ThisField or ClosureField or DebuggerDisplay ||
        name.StartsWith(FinallyPrefix, System.StringComparison.Ordinal) || IsNumbered(name, ClosureType) ||
        IsNumbered(name, AnonymousShapePrefix) || IsNumbered(name, LambdaCreatorPrefix);

    /// <summary>
    /// True when a user local or local function named <paramref name="name"/> would hide something the machine's
    /// code names inside its methods (a generated local such as <c>__resume</c> or <c>__p1</c>, a helper such as
    /// <c>Hoist</c>, a <c>Finally{N}</c> method, a closure class): such a variable is renamed (<c>Hoist_</c>).
    /// </summary>
    public static bool IsTakenInsideMachine(string name) =>
        name.StartsWith("__", System.StringComparison.Ordinal) || System.Array.IndexOf(Reserved, name) >= 0 ||
        name is DisposeChild or CancelInPlace or CollectFrames || IsNumbered(name, FinallyPrefix) || IsNumbered(name, ClosureType) ||
        IsNumbered(name, AnonymousShapePrefix) || IsNumbered(name, LambdaCreatorPrefix);

    private static bool IsNumbered(string name, string prefix) =>
        name.StartsWith(prefix, System.StringComparison.Ordinal) && name.Substring(prefix.Length).All(char.IsDigit);

    /// <summary>The machine's <c>IAsyncFrameSource</c> method.</summary>
    public const string CollectFrames = "CollectFrames";

    /// <summary>The field a parameter or local lives in: <c>_sum</c>.</summary>
    public static string Field(string name) => "_" + name;

    /// <summary>
    /// A name printed on its own as C# source spells it: a keyword keeps its '@' (<c>@class</c>), which a symbol's
    /// name and a token's ValueText drop (printed bare, <c>class</c> would not compile or would cut the parse short).
    /// </summary>
    public static string Escaped(string name) =>
        Microsoft.CodeAnalysis.CSharp.SyntaxFacts.GetKeywordKind(name) != Microsoft.CodeAnalysis.CSharp.SyntaxKind.None ? "@" + name : name;

    /// <summary>A variable shared with lambdas, as generated code reads it: <c>__closure.sum</c>.</summary>
    public static string ClosureMember(string name) => ClosureLocal + "." + name;

    /// <summary>The member of a <see cref="ClosureMember"/> access, or null when <paramref name="access"/> is not one.</summary>
    public static string? ClosureMemberName(string access) =>
        access.StartsWith(ClosureLocal + ".", System.StringComparison.Ordinal) ? access.Substring(ClosureLocal.Length + 1) : null;

    /// <summary>The property of the user's type through which machine <paramref name="structName"/> reaches a primary-constructor parameter.</summary>
    public static string PrimaryConstructorAccessor(string structName, string parameter) => "__" + structName + "_" + parameter;

    /// <summary>The local holding the result of await <paramref name="state"/>.</summary>
    public static string AwaitResult(int state) => "__r" + N(state);

    /// <summary>The local holding the poll result of await <paramref name="state"/>.</summary>
    public static string PollResult(int state) => "__p" + N(state);

    /// <summary>The field holding what await <paramref name="state"/> drives: <c>_await2_sleep</c>.</summary>
    public static string AwaitField(int state, string hint) => "_await" + N(state) + hint;

    /// <summary>The method running finally block <paramref name="id"/>.</summary>
    public static string FinallyMethod(int id) => FinallyPrefix + N(id);

    /// <summary>The resume label of await <paramref name="state"/>.</summary>
    public static string StateLabel(int state) => "State" + N(state);

    /// <summary>Where an awaiter that completed synchronously continues.</summary>
    public static string ReadyLabel(int state) => "Ready" + N(state);

    /// <summary>The label before try <paramref name="id"/>: resuming inside the try jumps here and dispatches again.</summary>
    public static string TryLabel(int id) => "Try" + N(id);

    /// <summary>The start of the awaiting finally block of try <paramref name="id"/>.</summary>
    public static string TryFinallyLabel(int id) => TryLabel(id) + "Finally";

    /// <summary>The end of the <paramref name="index"/>-th awaiting catch block of try <paramref name="id"/>.</summary>
    public static string TryCatchEndLabel(int id, int index) => TryLabel(id) + "Catch" + N(index) + "End";

    /// <summary>The local holding the exception rethrown after the awaiting finally of try <paramref name="id"/>.</summary>
    public static string PendingException(int id) => "__pending" + N(id);

    /// <summary>Labels of a flattened loop: <c>Loop{N}Top</c>, <c>Loop{N}Continue</c>, <c>Loop{N}Break</c>.</summary>
    public static (string Top, string Continue, string Break) LoopLabels(int number)
    {
        var name = "Loop" + N(number);
        return (name + "Top", name + "Continue", name + "Break");
    }

    /// <summary>The label after a flattened switch.</summary>
    public static string SwitchBreakLabel(int number) => "Switch" + N(number) + "Break";

    /// <summary>The label of section <paramref name="section"/> (1-based) of the switch that ends at <paramref name="breakLabel"/>.</summary>
    public static string SwitchCaseLabel(string breakLabel, int section) =>
        breakLabel.Substring(0, breakLabel.Length - "Break".Length) + "Case" + N(section);

    /// <summary>
    /// Where the tests of a flattened switch go on when label <paramref name="label"/> (1-based, counted over the
    /// whole switch) fails: its pattern did not match or its awaiting <c>when</c> clause was false.
    /// </summary>
    public static string SwitchLabelFailedLabel(string breakLabel, int label) =>
        breakLabel.Substring(0, breakLabel.Length - "Break".Length) + "Label" + N(label) + "Failed";

    /// <summary>The machine's delegate type with the signature of the <paramref name="number"/>-th delegate type C# synthesizes for a lambda.</summary>
    public static string SynthesizedDelegateType(int number) => "SynthesizedDelegate" + N(number);

    /// <summary>The else label of a flattened if.</summary>
    public static string IfElseLabel(int number) => "If" + N(number) + "Else";

    /// <summary>The end label of a flattened if.</summary>
    public static string IfEndLabel(int number) => "If" + N(number) + "End";

    /// <summary>
    /// True when <paramref name="name"/> is spelled like a label the lowering emits (<see cref="StateLabel"/>,
    /// <see cref="ReadyLabel"/>, <see cref="TryLabel"/> and its finally and catch-end labels, <see cref="LoopLabels"/>,
    /// <see cref="SwitchBreakLabel"/>, <see cref="SwitchCaseLabel"/>, <see cref="SwitchLabelFailedLabel"/>, <see cref="IfElseLabel"/>, <see cref="IfEndLabel"/>):
    /// a user label with such a name is renamed.
    /// </summary>
    public static bool IsGeneratedLabel(string name) => s_generatedLabel.IsMatch(name);

    private static readonly System.Text.RegularExpressions.Regex s_generatedLabel = new(
        @"^(State[0-9]+|Ready[0-9]+|Try[0-9]+(Finally|Catch[0-9]+End)?|Loop[0-9]+(Top|Continue|Break)|Switch[0-9]+(Break|Case[0-9]+|Label[0-9]+Failed)|If[0-9]+(Else|End))$",
        System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    /// <summary>The generated struct of a method: <c>DelayAddFuture</c>, <c>DelayAddFuture2</c> for the second overload.</summary>
    public static string StructName(string methodName, int overloadIndex) =>
        methodName + "Future" + (overloadIndex > 0 ? N(overloadIndex + 1) : "");

    /// <summary>The factory that creates the machine without running it.</summary>
    public static string FactoryName(string methodName) => methodName + "Machine";

    /// <summary>
    /// An interceptor declared in the user's type (its call's signature uses a private or protected type):
    /// <c>__GetInterceptor1</c>, spelled so that it cannot clash with the user's members.
    /// </summary>
    public static string HostedInterceptor(string methodName, int number) => "__" + methodName + "Interceptor" + N(number);

    private static string N(int value) => value.ToString(CultureInfo.InvariantCulture);
}
