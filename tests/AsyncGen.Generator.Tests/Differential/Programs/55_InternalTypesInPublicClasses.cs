// A [PollAsync] method of a public class whose signature uses an internal type: its machine cannot be public (its
// Poll would return Poll<Internal>, CS0050), so it is internal, like the type it exposes.

internal sealed class InternalNote
{
    public InternalNote(string text) => Text = text;

    public string Text { get; }
}

public static partial class P_InternalTypeInAPrivateMethodOfAPublicClass
{
    [PollAsync]
    private static async Future<InternalNote> Note(string text)
    {
        await Ops.Yield();
        return new InternalNote(text);
    }

    [PollAsync]
    internal static async Future<string> Read(InternalNote note)
    {
        await Ops.Yield();
        return note.Text + "!";
    }

    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var note = await Note("noted");
        log.Add(note.Text);
        return await Read(note);
    }
}
