using System.Buffers;
using System.IO.Pipelines;
using System.Text;

namespace AsyncGen.Newcomer.Tests;

/// <summary>
/// BCL I/O awaited inside [PollAsync] methods: a <see cref="Stream"/> copied in chunks, a <see cref="Pipe"/> parsed
/// line by line with a <see cref="SequenceReader{T}"/> (a ref struct between awaits), <c>await using</c> on streams.
/// </summary>
public partial class StreamAndPipeTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    [PollAsync]
    private static async Future<long> CopyInChunks(Stream source, Stream destination, int chunk)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(chunk);
        long total = 0;
        try
        {
            int read;
            while ((read = await source.ReadAsync(buffer.AsMemory(0, chunk))) > 0)
            {
                await destination.WriteAsync(buffer.AsMemory(0, read));
                total += read;
            }
            await destination.FlushAsync();
            return total;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    [Fact]
    public void A_stream_is_copied_in_chunks_through_ReadAsync_and_WriteAsync()
    {
        var data = Enumerable.Range(0, 10_000).Select(i => (byte)i).ToArray();
        using var source = new MemoryStream(data);
        using var destination = new MemoryStream();
        Assert.Equal(data.Length, Executor.BlockOn(CopyInChunks(source, destination, 1000)));
        Assert.Equal(data, destination.ToArray());
    }

    [PollAsync]
    private static async Future<string> WriteThenReadFile(string path, string text)
    {
        await using (var writer = new StreamWriter(File.Create(path)))
        {
            await writer.WriteLineAsync(text);
            await writer.WriteAsync($"{text.Length} chars");
        }
        await using var file = File.OpenRead(path);
        using var reader = new StreamReader(file);
        return await reader.ReadToEndAsync();
    }

    [Fact]
    public void Await_using_a_StreamWriter_flushes_before_the_file_is_read_back()
    {
        var path = Path.Combine(Path.GetTempPath(), $"asyncgen-newcomer-{Guid.NewGuid():N}.txt");
        try
        {
            Assert.Equal($"hello{Environment.NewLine}5 chars", Executor.BlockOn(WriteThenReadFile(path, "hello"), Limit));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [PollAsync]
    private static async Future<List<string>> ReadLines(PipeReader reader)
    {
        var lines = new List<string>();
        while (true)
        {
            var result = await reader.ReadAsync();
            var buffer = result.Buffer;
            var consumed = ParseLines(buffer, lines);
            reader.AdvanceTo(consumed, buffer.End);
            if (result.IsCompleted) break;
        }
        await reader.CompleteAsync();
        return lines;
    }

    /// <summary>The ref struct lives in a plain method, as C# requires of async code too.</summary>
    private static SequencePosition ParseLines(ReadOnlySequence<byte> buffer, List<string> lines)
    {
        var sequence = new SequenceReader<byte>(buffer);
        while (sequence.TryReadTo(out ReadOnlySequence<byte> line, (byte)'\n'))
            lines.Add(Encoding.UTF8.GetString(line));
        return sequence.Position;
    }

    [PollAsync]
    private static async Future WriteLines(PipeWriter writer, int count)
    {
        for (int i = 0; i < count; i++)
        {
            // Split each line over two flushes, so the reader sees partial lines.
            var text = Encoding.UTF8.GetBytes($"line {i}\n");
            await writer.WriteAsync(text.AsMemory(0, 3));
            await writer.WriteAsync(text.AsMemory(3));
        }
        await writer.CompleteAsync();
    }

    [Fact]
    public void A_pipe_is_written_and_parsed_by_two_spawned_futures_on_both_executors()
    {
        var expected = Enumerable.Range(0, 200).Select(i => $"line {i}").ToList();
        using (var local = new LocalExecutor()) Assert.Equal(expected, local.BlockOn(ReadWrite(200), Limit));
        using (var pool = new WorkStealingExecutor(2)) Assert.Equal(expected, pool.BlockOn(ReadWrite(200), Limit));
    }

    [PollAsync]
    private static async Future<List<string>> ReadWrite(int count)
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 64, resumeWriterThreshold: 32, useSynchronizationContext: false));
        var writer = Executor.Spawn(WriteLines(pipe.Writer, count));
        var lines = await ReadLines(pipe.Reader);
        await writer;
        return lines;
    }
}
