using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace AsyncGen.Runtime.Tests.Combinators;

/// <summary>
/// How <c>AsTask</c> resolves in user code that says <c>using AsyncGen;</c>: on a future it converts; on a Task, which
/// needs no conversion, the compiler says so (it used to report CS0411 "type arguments cannot be inferred", CS1061
/// "are you missing a using directive?" or CS1929, because the future overload was the only candidate).
/// </summary>
public class TaskInteropCompilationTests
{
    private static readonly ImmutableArray<MetadataReference> s_references =
        [.. Basic.Reference.Assemblies.Net100.References.All, MetadataReference.CreateFromFile(typeof(Future).Assembly.Location)];

    /// <summary>The errors of <paramref name="body"/> compiled as the body of an async Task method in user code.</summary>
    private static IReadOnlyList<Diagnostic> ErrorsOf(string body)
    {
        string source = $$"""
            using System;
            using System.Threading.Tasks;
            using AsyncGen;

            public static class UserCode
            {
                public static async Task<int> Run(Task<int> task, Task plain, ValueTask<int> valueTask, Future<int> future)
                {
                    {{body}}
                    return 0;
                }
            }
            """;
        var compilation = CSharpCompilation.Create("UserCode",
            [CSharpSyntaxTree.ParseText(source, CSharpParseOptions.Default.WithLanguageVersion(LanguageVersion.Latest))],
            s_references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        return [.. compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error)];
    }

    [Theory]
    [InlineData("await task.AsTask();")]                 // was CS1061: "are you missing a using directive?"
    [InlineData("await plain.AsTask();")]
    [InlineData("await task.AsTask<int>();")]            // was CS1929
    [InlineData("await TaskInterop.AsTask(task);")]      // was CS0411: "type arguments cannot be inferred"
    public void AsTask_on_a_Task_is_an_error_that_says_to_await_the_Task_itself(string call)
    {
        var error = Assert.Single(ErrorsOf(call));
        Assert.Equal("CS0619", error.Id); // obsolete as an error: the message below, not CS0411
        string message = error.GetMessage();
        Assert.Contains("already a Task", message);
        Assert.Contains("await it", message);
    }

    [Theory]
    [InlineData("int a = await future.AsTask();")]
    [InlineData("await Time.Sleep(TimeSpan.FromMilliseconds(1)).AsTask();")]
    [InlineData("int b = await valueTask.AsTask();")] // ValueTask's own AsTask is untouched
    [InlineData("int c = await task.AsFuture().AsTask();")]
    [InlineData("var all = new System.Collections.Generic.List<Future<int>>(); await Task.WhenAll(System.Linq.Enumerable.Select(all, TaskInterop.AsTask));")]
    public void AsTask_on_futures_and_ValueTasks_still_compiles(string call) => Assert.Empty(ErrorsOf(call));
}
