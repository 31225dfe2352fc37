using AsyncGen.Analyzers.Rules;
using AsyncGen.Analyzers.Tests.Verification;

namespace AsyncGen.Analyzers.Tests.Rules;

public sealed class VirtualPollAsyncMethodTests : AnalyzerTestBase<VirtualPollAsyncMethodAnalyzer>
{
    [Fact]
    public Task Virtual_methods_and_overrides_that_are_not_sealed_are_reported_at_the_declaration() => VerifyAsync("""
        public partial class Animal
        {
            [PollAsync]
            public virtual async Future<string> {|AG0112:Speak|}() { await Future.Yield(); return "..."; }
        }

        public partial class Dog : Animal
        {
            [PollAsync]
            public override async Future<string> {|AG0112:Speak|}() { await Future.Yield(); return "woof"; }
        }
        """);

    [Fact]
    public Task A_sealed_override_of_a_method_without_PollAsync_is_reported_for_the_calls_through_the_base() => VerifyAsync("""
        public abstract class Shape
        {
            public abstract Future<string> Area();

            public virtual Future<string> Name() => null!;
        }

        public sealed partial class Square : Shape
        {
            [PollAsync]
            public override async Future<string> {|AG0112:Area|}() { await Future.Yield(); return "4"; }

            [PollAsync]
            public override async Future<string> {|AG0112:Name|}() { await Future.Yield(); return "square"; }
        }

        public partial class Circle : Shape
        {
            [PollAsync]
            public sealed override async Future<string> {|AG0112:Area|}() { await Future.Yield(); return "3.14"; }
        }
        """);

    [Fact]
    public Task The_messages_say_which_calls_fall_back_and_what_to_change() => VerifyAsync("""
        public partial class Animal
        {
            [PollAsync]
            public virtual async Future<string> Speak() { await Future.Yield(); return "..."; }
        }

        public abstract class Shape
        {
            public abstract Future<string> Area();
        }

        public sealed partial class Square : Shape
        {
            [PollAsync]
            public override async Future<string> Area() { await Future.Yield(); return "4"; }
        }
        """, editorConfig: null,
        Microsoft.CodeAnalysis.Testing.DiagnosticResult.CompilerWarning("AG0112").WithSpan(5, 41, 5, 46).WithArguments(
            "Speak", "is virtual", "calls through 'Animal' (except through 'base.' or on a sealed type)",
            "make it non-virtual, or move the body into a non-virtual [PollAsync] method that it returns"),
        Microsoft.CodeAnalysis.Testing.DiagnosticResult.CompilerWarning("AG0112").WithSpan(16, 42, 16, 46).WithArguments(
            "Area", "overrides 'Shape.Area', which has no [PollAsync] machine", "calls through 'Shape'",
            "move the body into a non-virtual [PollAsync] method and return its future from the override (without [PollAsync])"));

    [Fact]
    public Task Non_virtual_static_struct_and_sealed_overrides_of_PollAsync_methods_are_not_reported() => VerifyAsync("""
        public partial class Animal
        {
            [PollAsync]
            public virtual async Future<string> {|AG0112:Speak|}() { await Future.Yield(); return "..."; }

            [PollAsync]
            public async Future<string> Plain() { await Future.Yield(); return "plain"; }

            [PollAsync]
            public static async Future<string> Static() { await Future.Yield(); return "static"; }
        }

        public sealed partial class Puppy : Animal
        {
            // Calls through Animal are Animal's AG0009 (and Animal.Speak's report above); calls on Puppy get the machine.
            [PollAsync]
            public override async Future<string> Speak() { await Future.Yield(); return "yip"; }
        }

        public partial class Dog : Animal
        {
            [PollAsync]
            public sealed override async Future<string> Speak() { await Future.Yield(); return "woof"; }
        }

        public partial struct Point
        {
            [PollAsync]
            public async Future<int> Length() { await Future.Yield(); return 1; }
        }

        public class Plain : Animal
        {
            // Not [PollAsync]: the compiler's own async method, which the rule for lambdas and plain methods leaves alone.
            public override async Future<string> Speak() { await Future.Yield(); return "plain"; }
        }
        """);
}
