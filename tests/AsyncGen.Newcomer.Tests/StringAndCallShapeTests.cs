using System.Runtime.CompilerServices;
using System.Text;

namespace AsyncGen.Newcomer.Tests;

/// <summary>
/// Strings and calls around awaits, beside the same code as <c>async Task</c>: interpolated strings built by a
/// handler (<c>StringBuilder.Append</c>, <c>FormattableString</c>, raw literals), <c>params</c> spans and arrays,
/// optional and named arguments, caller information, extension methods and members on awaited receivers.
/// </summary>
public static partial class StringAndCallShapeTests
{
    [PollAsync]
    private static async Future<T> Later<T>(List<string> log, T value)
    {
        log.Add($"await {value}");
        await Future.Yield();
        return value;
    }

    private static async Task<T> LaterTask<T>(List<string> log, T value)
    {
        log.Add($"await {value}");
        await Task.Yield();
        return value;
    }

    private static string Show(List<string> log, string text) { log.Add($"show {text}"); return text; }

    [PollAsync]
    private static async Future<string> Strings(List<string> log, int width)
    {
        var builder = new StringBuilder();
        var count = await Later(log, 3);
        builder.Append($"[{count,5}|{Show(log, "x"),-3}|{count:D4}]");
        builder.AppendLine().Append(await Later(log, "tail"));
        FormattableString formattable = $"{await Later(log, 1.5):F2} and {Show(log, "y")} {await Later(log, 2)}";
        var invariant = FormattableString.Invariant($"{await Later(log, 1234.5):N1}");
        var json = $$"""
            {"name": "{{await Later(log, "ada")}}", "width": {{width}},
             "score": {{await Later(log, 9) * 2}}}
            """;
        var verbatim = $@"C:\{await Later(log, "dir")}\{{braces}}";
        var utf8 = "ok"u8.Length + (await Later(log, "é")).Length;
        var nested = $"{$"{await Later(log, "in")}-{Show(log, "z")}"}!";
        return $"{builder} | {formattable.Format} {formattable.ArgumentCount} {formattable} | {invariant} | {json} | {verbatim} | {utf8} | {nested} | {string.Join("; ", log)}";
    }

    private static async Task<string> StringsTask(List<string> log, int width)
    {
        var builder = new StringBuilder();
        var count = await LaterTask(log, 3);
        builder.Append($"[{count,5}|{Show(log, "x"),-3}|{count:D4}]");
        builder.AppendLine().Append(await LaterTask(log, "tail"));
        FormattableString formattable = $"{await LaterTask(log, 1.5):F2} and {Show(log, "y")} {await LaterTask(log, 2)}";
        var invariant = FormattableString.Invariant($"{await LaterTask(log, 1234.5):N1}");
        var json = $$"""
            {"name": "{{await LaterTask(log, "ada")}}", "width": {{width}},
             "score": {{await LaterTask(log, 9) * 2}}}
            """;
        var verbatim = $@"C:\{await LaterTask(log, "dir")}\{{braces}}";
        var utf8 = "ok"u8.Length + (await LaterTask(log, "é")).Length;
        var nested = $"{$"{await LaterTask(log, "in")}-{Show(log, "z")}"}!";
        return $"{builder} | {formattable.Format} {formattable.ArgumentCount} {formattable} | {invariant} | {json} | {verbatim} | {utf8} | {nested} | {string.Join("; ", log)}";
    }

    [Fact]
    public static async Task Interpolation_handlers_FormattableString_and_raw_literals_with_awaits_match_async_Task()
    {
        Assert.Equal(await StringsTask([], 80), Executor.BlockOn(Strings([], 80)));
    }

    private static int SumSpan(params ReadOnlySpan<int> values)
    {
        var sum = 0;
        foreach (var v in values) sum += v;
        return sum;
    }

    private static string Join(string separator, params string[] parts) => string.Join(separator, parts);

    private static string Options(List<string> log, string first, int second = 2, string third = "three", [CallerArgumentExpression(nameof(first))] string firstText = "", [CallerLineNumber] int line = 0, [CallerMemberName] string member = "")
    {
        log.Add($"options {first} {second} {third}");
        return $"{first}/{second}/{third}/{firstText}/{line > 0}/{member}";
    }

    public static int Squared(this int value) => value * value;

    extension(string text)
    {
        public string Shout => text.ToUpperInvariant() + "!";
        public int CountOf(char c) => text.Count(x => x == c);
    }

    [PollAsync]
    private static async Future<string> Calls(List<string> log)
    {
        var spanSum = SumSpan(1, await Later(log, 2), SumSpan(), 3);
        var joined = Join("-", Show(log, "a"), await Later(log, "b"), Show(log, "c"));
        var defaults = Options(log, await Later(log, "one"));
        var named = Options(log, third: Show(log, "3rd"), first: await Later(log, "1st"));
        var squared = (await Later(log, 7)).Squared();
        var shout = (await Later(log, "hey")).Shout;
        var count = (await Later(log, "banana")).CountOf(await Later(log, 'a'));
        var name = nameof(log) + nameof(Calls) + default(int) + (default(string) == null);
        return $"{spanSum} {joined} {defaults} {named} {squared} {shout} {count} {name} | {string.Join("; ", log)}";
    }

    private static async Task<string> CallsTask(List<string> log)
    {
        var spanSum = SumSpan(1, await LaterTask(log, 2), SumSpan(), 3);
        var joined = Join("-", Show(log, "a"), await LaterTask(log, "b"), Show(log, "c"));
        var defaults = Options(log, await LaterTask(log, "one"));
        var named = Options(log, third: Show(log, "3rd"), first: await LaterTask(log, "1st"));
        var squared = (await LaterTask(log, 7)).Squared();
        var shout = (await LaterTask(log, "hey")).Shout;
        var count = (await LaterTask(log, "banana")).CountOf(await LaterTask(log, 'a'));
        var name = nameof(log) + "Calls" + default(int) + (default(string) == null);
        return $"{spanSum} {joined} {defaults} {named} {squared} {shout} {count} {name} | {string.Join("; ", log)}";
    }

    [Fact]
    public static async Task Params_spans_optional_named_and_caller_info_arguments_and_extensions_match_async_Task()
    {
        var expected = (await CallsTask([])).Replace("CallsTask", "Calls").Replace("LaterTask(", "Later(");
        Assert.Equal(expected, Executor.BlockOn(Calls([])));
    }
}
