using System.Net.Sockets;

namespace TlsShutdown.Tests.Infrastructure;

/// <summary>
/// Fills the TCP connection towards a peer that stopped reading (<see cref="PeerBehavior.StopsReading"/>), so that
/// every further send of the client under test stalls until the peer reads again. No timing is involved: the
/// filler writes until a write is pending, the client's socket has no room, and the peer's receive queue no
/// longer grows even once every acknowledgement it owes has been sent.
/// </summary>
public static class SendBufferFiller
{
    private const int IpProtoTcp = 6;
    private const int TcpQuickAck = 12;

    /// <summary>Writes <paramref name="chunkSize"/>-byte chunks to <paramref name="stream"/> (any stream over
    /// <paramref name="clientSocket"/>) until one stalls for good, and returns that pending write; the test must
    /// observe it. <paramref name="peerSocket"/> is the other end, which must not be read meanwhile.</summary>
    /// <exception cref="InvalidOperationException">More than <paramref name="byteCap"/> bytes went through: the peer is reading.</exception>
    public static async Task<Task> FillAsync(Stream stream, Socket clientSocket, Socket peerSocket, int chunkSize = 16 * 1024, long byteCap = 64L * 1024 * 1024)
    {
        var chunk = new byte[chunkSize];
        for (long written = 0; written < byteCap; written += chunkSize)
        {
            Task write = stream.WriteAsync(chunk).AsTask();
            int queuedAtPeer = -1;
            while (!write.IsCompleted)
            {
                // A delayed ACK keeps sent data in the client's send buffer for a while, so "not writable" alone
                // proves nothing. TCP_QUICKACK makes the peer's kernel send the ACK it owes now; on loopback the
                // client processes it (and sends more if the peer's window allows) before the call returns.
                peerSocket.SetRawSocketOption(IpProtoTcp, TcpQuickAck, BitConverter.GetBytes(1));
                int queued = peerSocket.Available;
                if (!clientSocket.Poll(0, SelectMode.SelectWrite) && queued == queuedAtPeer)
                {
                    // No room here, no progress there: the peer's window is closed, the write waits for its reads.
                    return write;
                }

                queuedAtPeer = queued;
                await Task.Yield();
            }

            await write;
        }

        throw new InvalidOperationException($"{byteCap} bytes were written without stalling: the peer is reading.");
    }
}
