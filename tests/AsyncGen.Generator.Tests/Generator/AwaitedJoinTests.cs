using AsyncGen.Generator.Tests.Infrastructure;

namespace AsyncGen.Generator.Tests.Generator;

/// <summary>Queries cut before awaited join collections: the shape of the calls the machine writes before each await.</summary>
public class AwaitedJoinTests
{
    [Fact]
    public void A_second_awaited_join_is_written_on_the_first_joins_call_stored_before_its_await()
    {
        // Was AG0005: the first awaited join is written as C#'s call on its awaited value (behaviour: differential
        // programs 61_* and P_QueryTwoAwaitedJoinsAndGroupJoin).
        var run = GeneratorHarness.Run("using System.Linq;\nusing System.Threading.Tasks;\nusing AsyncGen;\n\n" + """
            public static partial class Sample
            {
                [PollAsync]
                public static async Future<int> Work(System.Collections.Generic.List<int> customers, Task<int[]> orders)
                {
                    var rows = from c in customers join o in await orders on c equals o join p in await orders on c equals p select c;
                    return rows.Count();
                }
            }
            """).AssertCompiles();
        Assert.True(run.GeneratorDiagnostics.IsEmpty, string.Join("\n", run.GeneratorDiagnostics));
        Assert.Contains(".Join((__r1), c => c, o => o, (c, o) => new { c, o })", run.Source("WorkFuture"), StringComparison.Ordinal);
    }
}
