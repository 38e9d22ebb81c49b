using System.Runtime.CompilerServices;
using Org.BouncyCastle.Tls;

namespace TlsShutdown.Engine;

/// <summary>
/// Drops the capacity of BouncyCastle's empty queues when a connection goes idle. BouncyCastle keeps each queue's
/// array at the largest size it ever needed (the output queue holds the records of a whole write, 64 KiB and
/// more; the application data queue the decrypted records of a transport read) and offers no way to release
/// them: its output queue is reachable from a subclass, the other two only through their private fields.
/// </summary>
internal static class EngineQueues
{
    private static bool s_privateFieldsMissing;

    /// <summary>False once BouncyCastle's private queue fields were not found (another version of it).</summary>
    internal static bool TrimsPrivateQueues => !s_privateFieldsMissing;

    /// <summary>Shrinks every empty queue of <paramref name="protocol"/> to nothing; a queue that holds data is left alone.</summary>
    /// <param name="protocol">The engine; the caller holds its lock.</param>
    /// <param name="output">Its output queue (the protected <c>m_outputBuffer</c>).</param>
    /// <param name="input">Its queue for partial records (the protected <c>m_inputBuffers</c>).</param>
    public static void Trim(TlsProtocol protocol, ByteQueueOutputStream output, ByteQueueInputStream input)
    {
        ShrinkIfEmpty(output.Buffer);
        if (s_privateFieldsMissing)
        {
            return;
        }

        try
        {
            ShrinkIfEmpty(ApplicationData(protocol));
            ShrinkIfEmpty(Queue(input));
        }
        catch (MissingFieldException)
        {
            // Another BouncyCastle version: the connection works the same, it only keeps those two arrays.
            s_privateFieldsMissing = true;
        }
    }

    private static void ShrinkIfEmpty(ByteQueue queue)
    {
        if (queue.Available == 0)
        {
            queue.Shrink();
        }
    }

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "m_applicationDataQueue")]
    private static extern ref ByteQueue ApplicationData(TlsProtocol protocol);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "m_buffer")]
    private static extern ref ByteQueue Queue(ByteQueueInputStream stream);
}
