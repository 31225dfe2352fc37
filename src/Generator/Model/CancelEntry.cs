namespace AsyncGen.Generator.Model;

/// <summary>
/// How <c>Dispose</c> enters a <c>finally</c> block that awaits, when the machine is disposed while suspended in its
/// <c>try</c>: it records the exception the cleanup inside the block threw (<c>ExceptionField</c>, null: none), sets
/// the block's pending branch to <c>Branch</c> (in <c>BranchField</c>: after the block, leave through the finally
/// blocks around it and complete), and polls the machine from <c>State</c>, which jumps to the block.
/// </summary>
/// <para><c>Id</c>: what the enclosing-finally lists of await sites hold for this block (see <see cref="AwaitSite"/>).</para>
/// <para><c>State</c>: a state number after the awaits' (0 until the rewriter numbers it).</para>
/// <para><c>Line</c>: the line of the try statement, for the header.</para>
internal sealed record CancelEntry(int Id, int State, int Line, string ExceptionField, string BranchField, int Branch);
