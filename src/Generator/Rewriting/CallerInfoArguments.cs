using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace AsyncGen.Generator.Rewriting;

/// <summary>
/// The caller-information arguments C# fills in for a call of the user's body, written out as named arguments.
/// </summary>
/// <remarks>
/// C# computes an omitted <c>[CallerMemberName]</c>, <c>[CallerLineNumber]</c> or <c>[CallerArgumentExpression]</c>
/// argument from where the call is written: inside the machine it would be <c>Poll</c>, a line of the generated file
/// and the rewritten argument (<c>__r3 + 1</c>, <c>_x * 2</c>). The binding of the user's call already holds the values
/// (each omitted argument is a constant), so they are passed explicitly. <c>[CallerFilePath]</c> is left to the
/// <c>#line</c> directives, which give the user's path as C# (and its path map) would, without writing an absolute
/// path into the generated file.
/// </remarks>
internal static class CallerInfoArguments
{
    private static readonly string[] s_attributes =
    [
        "System.Runtime.CompilerServices.CallerMemberNameAttribute",
        "System.Runtime.CompilerServices.CallerLineNumberAttribute",
        "System.Runtime.CompilerServices.CallerArgumentExpressionAttribute",
    ];

    /// <summary>
    /// <c>name: value</c> for each argument of <paramref name="call"/> (an invocation or object creation of the user's
    /// body) that C# fills in from caller information; empty for most calls.
    /// </summary>
    public static IReadOnlyList<string> Of(SemanticModel model, SyntaxNode call)
    {
        var arguments = model.GetOperation(call) switch
        {
            IInvocationOperation invocation => invocation.Arguments,
            IObjectCreationOperation creation => creation.Arguments,
            _ => default,
        };
        if (arguments.IsDefaultOrEmpty) return [];
        var written = new List<string>();
        foreach (var argument in arguments)
        {
            if (argument.ArgumentKind != ArgumentKind.DefaultValue || argument.Parameter is not { } parameter ||
                !parameter.GetAttributes().Any(a => s_attributes.Contains(a.AttributeClass?.ToDisplayString())) ||
                Constant(argument.Value) is not { } literal)
                continue;
            written.Add(GeneratedNames.Escaped(parameter.Name) + ": " + literal);
        }
        return written;
    }

    /// <summary>
    /// The constant C# passes, under the conversions to the parameter's type (<c>long line</c>, <c>object member</c>):
    /// the line is an <c>int</c>, the rest strings. Null for an attribute C# ignores (on a parameter of another type),
    /// whose default value is the same for every caller.
    /// </summary>
    private static string? Constant(IOperation value)
    {
        for (var current = value; current is not null; current = (current as IConversionOperation)?.Operand)
        {
            switch (current.ConstantValue)
            {
                case { HasValue: true, Value: string text }:
                    return Literal(text).ToString();
                case { HasValue: true, Value: int line }:
                    return line.ToString(CultureInfo.InvariantCulture);
            }
        }
        return null;
    }
}
