namespace TlsShutdown.Engine.Crypto;

/// <summary>
/// One buffer per thread into which <see cref="DotNetAeadCipher"/> seals an outgoing record. BouncyCastle's record
/// layer writes the record to its output before it returns, and the engine encodes under its lock, so a record
/// never outlives the call that made it: no connection holds a record buffer between writes, idle or not.
/// </summary>
internal static class RecordScratch
{
    // A full TLS record: header, 2^14 bytes of plaintext, content type, explicit nonce and tag, rounded up.
    private const int RecordSize = 5 + (1 << 14) + 256;

    [ThreadStatic]
    private static byte[]? t_buffer;

    /// <summary>The calling thread's buffer, at least <paramref name="size"/> bytes.</summary>
    public static byte[] Get(int size)
    {
        byte[]? buffer = t_buffer;
        if (buffer is null || buffer.Length < size)
        {
            t_buffer = buffer = new byte[Math.Max(size, RecordSize)];
        }

        return buffer;
    }
}
