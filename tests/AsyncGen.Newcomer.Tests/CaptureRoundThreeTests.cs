namespace AsyncGen.Newcomer.Tests;

/// <summary>
/// Third newcomer round: lambdas capturing variables of loops that await — catch variables of a catch that does
/// not await, out variables, pattern variables, deconstructions, switch section locals, a block entered again by
/// <c>goto</c> — and static lambdas; each program beside the same text as <c>async Task</c>.
/// </summary>
public partial class CaptureRoundThreeTests
{
    private static bool TryParse(string text, out int value) => int.TryParse(text, out value);

    private static (string Name, int Size) Split(string text) => (text.Substring(0, 1), text.Length);

    /// <summary>The programs as a newcomer writes them with <c>[PollAsync]</c>.</summary>
    private static partial class F
    {
        [PollAsync]
        public static async Future<T> Later<T>(List<string> log, T value)
        {
            log.Add($"later {value}");
            await Future.Yield();
            return value;
        }


        [PollAsync]
        public static async Future<string> CatchWithoutAwaitCaptured(List<string> log)
        {
            var readers = new List<Func<string>>();
            for (var i = 0; i < 3; i++)
            {
                await Later(log, i);
                try
                {
                    if (i != 1) throw new InvalidOperationException("e" + i);
                }
                catch (InvalidOperationException e)
                {
                    readers.Add(() => e.Message);
                }
            }
            return string.Join(" ", readers.Select(r => r()));
        }


        [PollAsync]
        public static async Future<string> LoopVariablesCaptured(List<string> log)
        {
            var readers = new List<Func<string>>();
            foreach (var text in new[] { "12", "x", "345" })
            {
                if (TryParse(text, out var number))
                    readers.Add(() => "n" + number);
                if (await Later<object>(log, text) is string { Length: > 1 } s)
                    readers.Add(() => "s" + s);
                var (name, size) = Split(text);
                readers.Add(() => name + size);
                await Future.Yield();
            }
            var k = 0;
            while (k < 2)
            {
                var copy = k++;
                switch (copy)
                {
                    case 0:
                        var zero = "zero" + copy;
                        readers.Add(() => zero);
                        await Later(log, zero);
                        break;
                    default:
                        var other = "other" + copy;
                        await Later(log, other);
                        readers.Add(() => other);
                        break;
                }
            }
            return string.Join(" ", readers.Select(r => r()));
        }


        [PollAsync]
        public static async Future<string> GotoBlockCaptured(List<string> log)
        {
            var readers = new List<Func<int>>();
            var round = 0;
        again:
            {
                var mine = round * 10;
                readers.Add(() => mine);
                await Later(log, mine);
                mine++;
            }
            if (++round < 3) goto again;
            return string.Join(",", readers.Select(r => r()));
        }


        [PollAsync]
        public static async Future<string> StaticLambdas(List<string> log)
        {
            Func<int, int> square = static x => x * x;
            var total = 0;
            var adders = new List<Func<int, int>>();
            for (var i = 1; i <= 3; i++)
            {
                var step = await Later(log, i);
                adders.Add(x => x + step);
                total += square(step);
            }
            Func<int, int, int> combine = static (a, b) => a * 10 + b;
            var composed = adders.Aggregate(0, (acc, add) => add(acc));
            return $"{total} {composed} {combine(await Later(log, 4), 2)}";
        }
    }

    /// <summary>The same text as <c>async Task</c> (Task for Future, no attribute).</summary>
    private static class T
    {
        public static async Task<T> Later<T>(List<string> log, T value)
        {
            log.Add($"later {value}");
            await Task.Yield();
            return value;
        }


        public static async Task<string> CatchWithoutAwaitCaptured(List<string> log)
        {
            var readers = new List<Func<string>>();
            for (var i = 0; i < 3; i++)
            {
                await Later(log, i);
                try
                {
                    if (i != 1) throw new InvalidOperationException("e" + i);
                }
                catch (InvalidOperationException e)
                {
                    readers.Add(() => e.Message);
                }
            }
            return string.Join(" ", readers.Select(r => r()));
        }


        public static async Task<string> LoopVariablesCaptured(List<string> log)
        {
            var readers = new List<Func<string>>();
            foreach (var text in new[] { "12", "x", "345" })
            {
                if (TryParse(text, out var number))
                    readers.Add(() => "n" + number);
                if (await Later<object>(log, text) is string { Length: > 1 } s)
                    readers.Add(() => "s" + s);
                var (name, size) = Split(text);
                readers.Add(() => name + size);
                await Task.Yield();
            }
            var k = 0;
            while (k < 2)
            {
                var copy = k++;
                switch (copy)
                {
                    case 0:
                        var zero = "zero" + copy;
                        readers.Add(() => zero);
                        await Later(log, zero);
                        break;
                    default:
                        var other = "other" + copy;
                        await Later(log, other);
                        readers.Add(() => other);
                        break;
                }
            }
            return string.Join(" ", readers.Select(r => r()));
        }


        public static async Task<string> GotoBlockCaptured(List<string> log)
        {
            var readers = new List<Func<int>>();
            var round = 0;
        again:
            {
                var mine = round * 10;
                readers.Add(() => mine);
                await Later(log, mine);
                mine++;
            }
            if (++round < 3) goto again;
            return string.Join(",", readers.Select(r => r()));
        }


        public static async Task<string> StaticLambdas(List<string> log)
        {
            Func<int, int> square = static x => x * x;
            var total = 0;
            var adders = new List<Func<int, int>>();
            for (var i = 1; i <= 3; i++)
            {
                var step = await Later(log, i);
                adders.Add(x => x + step);
                total += square(step);
            }
            Func<int, int, int> combine = static (a, b) => a * 10 + b;
            var composed = adders.Aggregate(0, (acc, add) => add(acc));
            return $"{total} {composed} {combine(await Later(log, 4), 2)}";
        }
    }

    [Fact]
    public Task Lambdas_capturing_a_catch_variable_of_a_catch_without_awaits_in_an_awaiting_loop_match_async_Task() =>
        SameAsTask.Same(log => F.CatchWithoutAwaitCaptured(log), log => T.CatchWithoutAwaitCaptured(log));

    [Fact]
    public Task Lambdas_capturing_out_pattern_and_deconstruction_variables_in_an_awaiting_loop_match_async_Task() =>
        SameAsTask.Same(log => F.LoopVariablesCaptured(log), log => T.LoopVariablesCaptured(log));

    [Fact]
    public Task Lambdas_capturing_variables_of_a_block_entered_again_by_goto_match_async_Task() =>
        SameAsTask.Same(log => F.GotoBlockCaptured(log), log => T.GotoBlockCaptured(log));

    [Fact]
    public Task Static_lambdas_and_lambdas_capturing_this_loops_variables_after_awaits_match_async_Task() =>
        SameAsTask.Same(log => F.StaticLambdas(log), log => T.StaticLambdas(log));
}
