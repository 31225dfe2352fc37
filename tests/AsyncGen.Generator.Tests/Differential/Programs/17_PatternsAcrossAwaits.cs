// Pattern variables, foreach deconstruction and exception filters whose variables outlive an await, written the
// way people write them: each used to fall back (AG0005); the generated machine keeps them in fields.

public sealed class PatternNode(string value, PatternNode? next)
{
    public string Value => value;
    public PatternNode? Next => next;
}

public sealed class PatternFailure(string message, int code) : Exception(message)
{
    public int Code => code;
}

public static class PatternLog
{
    public static bool Note(List<string> log, string text, bool result)
    {
        log.Add(text);
        return result;
    }

    public static bool Explode(List<string> log)
    {
        log.Add("filter throws");
        throw new InvalidOperationException("from the filter");
    }

    public static string? Lookup(string key) => key == "known" ? "found:" + key : null;
}

public static partial class P_IsNotPatternEarlyReturn
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        object input = await Ops.Value<object>("payload");
        if (input is not string text) return "not text";
        await Ops.Yield();
        log.Add("length " + text.Length);
        return text.ToUpperInvariant();
    }
}

public static partial class P_IsNotNullPropertyPatternAfterAwait
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var results = "";
        foreach (var key in new[] { "known", "missing" })
        {
            if (PatternLog.Lookup(key) is not { } found)
            {
                results += "none ";
                continue;
            }
            await Ops.Yield();
            results += found + " ";
        }
        return results.Trim();
    }
}

public static partial class P_PropertyPatternVariableAfterAwait
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var words = new[] { "", "hi", "hello" };
        var text = "";
        foreach (var word in words)
        {
            if (word is { Length: > 2 } longWord)
            {
                text += await Ops.Value(longWord.Length) + ":" + longWord + " ";
            }
            else if (word is { Length: > 0 } shortWord)
            {
                await Ops.Yield();
                text += "short:" + shortWord + " ";
            }
        }
        return text.Trim();
    }
}

public static partial class P_NestedRecordPatternAfterAwait
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        object item = await Ops.Value<object>(new Shape("square", 6));
        if (item is Shape { Kind: "square", Size: var side } square && side > 3)
        {
            await Ops.Yield();
            return square.Kind + " of area " + side * side;
        }
        return "no square";
    }
}

public static partial class P_PositionalPatternVariablesAfterAwait
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var pair = (await Ops.Value(3), "three");
        if (pair is (> 0 and var number, var name))
        {
            await Ops.Yield();
            return name + "=" + number;
        }
        return "none";
    }
}

public static partial class P_PatternVariablesInAndChain
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        object first = "left";
        object second = await Ops.Value<object>(42);
        if (first is string label && second is int count && count > 10)
        {
            log.Add("matched " + label);
            await Ops.Yield();
            return label + count;
        }
        return "no match";
    }
}

public static partial class P_PatternVariableInWhileCondition
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var list = new PatternNode("a", new PatternNode("b", new PatternNode("c", null)));
        object? current = list;
        var text = "";
        while (current is PatternNode node)
        {
            await Ops.Yield();
            text += node.Value;
            current = node.Next;
        }
        return text;
    }
}

public static partial class P_VarPatternKeepsComputedValue
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var numbers = new List<int> { 4, 5, 6 };
        if (numbers.Sum() is var total && total > 10)
        {
            await Ops.Yield();
            numbers.Add(1);
            return "total " + total + " of " + numbers.Count;
        }
        return "small";
    }
}

public static partial class P_IsPatternOnAwaitedValueAfterAwait
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        if (await Ops.Value<object>(7) is int count and > 2)
        {
            await Ops.Yield();
            return "count " + count;
        }
        return "few";
    }
}

public static partial class P_PatternVariableInConditionalAwait
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        object boxed = 21;
        var doubled = boxed is int n ? await Ops.Value(n) + n : -1;
        return "doubled " + doubled;
    }
}

public static partial class P_SwitchCaseGuardVariableAfterAwait
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var text = "";
        foreach (var value in new object[] { "hello", "yo", 12, -3 })
        {
            switch (value)
            {
                case string word when word.Length > 3:
                    await Ops.Yield();
                    text += "long " + word + "; ";
                    break;
                case string word:
                    text += "short " + await Ops.Value(word) + "; ";
                    break;
                case int number when number > 0:
                    await Ops.Yield();
                    text += "positive " + number + "; ";
                    break;
                default:
                    text += "other; ";
                    break;
            }
        }
        return text.Trim();
    }
}

public static partial class P_SwitchCasePropertyPatternAfterAwait
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var shapes = new[] { new Shape("circle", 2), new Shape("square", 9), new Shape("line", 0) };
        var text = "";
        foreach (var shape in shapes)
        {
            switch (shape)
            {
                case { Size: > 5 } big:
                    await Ops.Yield();
                    text += "big " + big.Kind + " ";
                    break;
                case { Size: 0, Kind: var kind }:
                    await Ops.Yield();
                    text += "empty " + kind + " ";
                    break;
                case var small:
                    text += "small " + small.Kind + " ";
                    break;
            }
        }
        return text.Trim();
    }
}

public static partial class P_SwitchExpressionArmVariablesAwait
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var text = "";
        foreach (var value in new object[] { "x", 4, 2.5 })
        {
            text += value switch
            {
                string s => s + await Ops.Value("!"),
                int n when n > 3 => await Ops.Value(n * 10) + "/" + n,
                var other => "other " + other,
            } + " ";
        }
        return text.Trim();
    }
}

public static partial class P_ListPatternSliceAfterAwait
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var numbers = await Ops.Value(new[] { 1, 2, 3, 4 });
        if (numbers is [var first, .. var middle, var last])
        {
            await Ops.Yield();
            return first + "[" + string.Join(",", middle) + "]" + last;
        }
        return "short";
    }
}

public static partial class P_ListPatternSwitchCases
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var text = "";
        foreach (var args in new[] { new string[0], new[] { "one" }, new[] { "a", "b", "c" } })
        {
            switch (args)
            {
                case []:
                    text += "none ";
                    break;
                case [var only]:
                    await Ops.Yield();
                    text += "only " + only + " ";
                    break;
                case [var head, ..] when head.Length == 1:
                    await Ops.Yield();
                    text += "head " + head + " of " + args.Length + " ";
                    break;
            }
        }
        return text.Trim();
    }
}

public static partial class P_ForEachDeconstructTupleArray
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var text = "";
        foreach (var (name, count) in new[] { ("apples", 2), ("pears", 0), ("plums", 5) })
        {
            if (count == 0) continue;
            await Ops.Yield();
            text += name + "=" + count + " ";
            if (name == "plums") break;
        }
        return text.Trim();
    }
}

public static partial class P_ForEachDeconstructCapturedByLambdas
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var readers = new List<Func<string>>();
        foreach (var (letter, digit) in new List<(string, int)> { ("a", 1), ("b", 2), ("c", 3) })
        {
            await Ops.Yield();
            readers.Add(() => letter + digit);
        }
        return string.Join(",", readers.Select(read => read()));
    }
}

public static partial class P_ForEachDeconstructExplicitTypes
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var text = "";
        foreach ((string head, string tail) in new[] { new Splitter("x,y"), new Splitter("left,right") })
        {
            var upper = await Ops.Value(head.ToUpperInvariant());
            text += upper + "+" + tail + " ";
        }
        return text.Trim();
    }
}

public static partial class P_FilterRunsBeforeInnerFinally
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        try
        {
            try
            {
                await Ops.Yield();
                throw new PatternFailure("boom", 7);
            }
            finally
            {
                log.Add("finally:inner");
            }
        }
        catch (PatternFailure failure) when (PatternLog.Note(log, "filter sees " + failure.Code, true))
        {
            await Ops.Yield();
            log.Add("handled " + failure.Message);
        }
        return string.Join(" > ", log);
    }
}

public static partial class P_AwaitFinallyInnerRunsBeforeOuterFilter
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        try
        {
            try
            {
                await Ops.Yield();
                throw new PatternFailure("boom", 3);
            }
            finally
            {
                await Ops.Yield();
                log.Add("finally:inner awaiting");
            }
        }
        catch (PatternFailure failure) when (PatternLog.Note(log, "filter " + failure.Code, failure.Code > 1))
        {
            await Ops.Yield();
            log.Add("handled");
        }
        return string.Join(" > ", log);
    }
}

public static partial class P_FilterFalseFallsToNextCatch
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var text = "";
        foreach (var code in new[] { 1, 2 })
        {
            try
            {
                await Ops.Yield();
                throw new PatternFailure("code " + code, code);
            }
            catch (PatternFailure failure) when (failure.Code == 1)
            {
                await Ops.Yield();
                text += "first:" + failure.Message + " ";
            }
            catch (PatternFailure failure)
            {
                text += "second:" + await Ops.Value(failure.Message) + " ";
            }
        }
        return text.Trim();
    }
}

public static partial class P_FilterWithoutVariable
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var text = "";
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            try
            {
                try
                {
                    await Ops.Fail<int>("attempt " + attempt);
                }
                catch (InvalidOperationException) when (attempt < 2)
                {
                    await Ops.Yield();
                    text += "typed " + attempt + " ";
                }
                catch when (attempt == 2)
                {
                    await Ops.Yield();
                    text += "untyped " + attempt + " ";
                }
            }
            catch (Exception outer)
            {
                text += "outer " + outer.Message + " ";
            }
        }
        return text.Trim();
    }
}

public static partial class P_FilterThatThrowsIsFalse
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        try
        {
            await Ops.Fail<int>("original");
            return "no error";
        }
        catch (InvalidOperationException error) when (PatternLog.Explode(log))
        {
            await Ops.Yield();
            return "filtered " + error.Message;
        }
        catch (InvalidOperationException error)
        {
            await Ops.Yield();
            return "caught " + error.Message + " after " + string.Join(",", log);
        }
    }
}

public static partial class P_AwaitFinally_AwaitForeachDeconstruct
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var text = "";
        await foreach (var (index, word) in Words())
        {
            if (index == 2) continue;
            await Ops.Yield();
            text += index + ":" + word + " ";
        }
        return text.Trim();
    }

    private static async IAsyncEnumerable<(int, string)> Words()
    {
        var words = new[] { "zero", "one", "two", "three" };
        for (var i = 0; i < words.Length; i++)
        {
            await Task.Yield();
            yield return (i, words[i]);
        }
    }
}
