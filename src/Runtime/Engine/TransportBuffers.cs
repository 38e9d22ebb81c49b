using System.Buffers;

namespace TlsShutdown.Engine;

/// <summary>
/// The transport buffers of <see cref="TlsEngineStream"/>, rented from the shared pool for one transport read or
/// one drain of the engine's output, so that a connection holds none while idle.
/// </summary>
internal static class TransportBuffers
{
    public static byte[] Rent(int size) => ArrayPool<byte>.Shared.Rent(size);

    /// <summary>Returns <paramref name="buffer"/> to the pool, first clearing its first <paramref name="sensitiveLength"/>
    /// bytes: records are decrypted in place, so a read buffer holds plaintext the next renter must not see.</summary>
    public static void Return(byte[] buffer, int sensitiveLength)
    {
        buffer.AsSpan(0, sensitiveLength).Clear();
        ArrayPool<byte>.Shared.Return(buffer);
    }
}
