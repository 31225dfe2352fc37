namespace AsyncGen.Net;

/// <summary>Validation of the <c>(byte[] buffer, int offset, int count)</c> overloads.</summary>
internal static class BufferArguments
{
    public static void Validate(byte[] buffer, int offset, int count)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count > buffer.Length - offset)
            throw new ArgumentOutOfRangeException(nameof(count),
                $"offset {offset} + count {count} exceeds the buffer's length {buffer.Length}.");
    }

    public static void ValidatePort(System.Net.IPEndPoint remote, string paramName)
    {
        ArgumentNullException.ThrowIfNull(remote, paramName);
        if (remote.Port == 0)
            throw new ArgumentOutOfRangeException(paramName, "Port 0 is not a destination: nothing can be reached there. " +
                "(Port 0 means 'any free port' only when binding.)");
    }
}
