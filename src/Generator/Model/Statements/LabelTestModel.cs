namespace AsyncGen.Generator.Model;

/// <summary>
/// The <c>when</c> clause of a label the lowering tests itself (<see cref="SwitchLabelModel.Test"/>): the statements
/// that compute it (its spilled awaits) and the condition they leave, or no statements and a null condition for a
/// label without a <c>when</c> clause of its own (an arm of a switch expression tested in the same chain).
/// </summary>
internal sealed record LabelTestModel(BlockStmt Guard, string? Condition);
