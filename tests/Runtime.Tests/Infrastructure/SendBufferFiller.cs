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
    public static Task<Task> FillAsync(Stream stream, Socket clientSocket, Socket peerSocket, int chunkSize = 16 * 1024, long byteCap = 64L * 1024 * 1024)
    {
        var chunk = new byte[chunkSize];
        return FillAsync(() => stream.WriteAsync(chunk).AsTask(), clientSocket, peerSocket, (int)(byteCap / chunkSize));
    }

    /// <summary>Calls <paramref name="write"/> (a write over <paramref name="clientSocket"/>) until one stalls for good,
    /// and returns that pending write; <paramref name="peerSocket"/> is the other end, which must not be read meanwhile.</summary>
    /// <exception cref="InvalidOperationException"><paramref name="maxWrites"/> writes went through: the peer is reading.</exception>
    public static async Task<Task> FillAsync(Func<Task> write, Socket clientSocket, Socket peerSocket, int maxWrites)
    {
        for (int written = 0; written < maxWrites; written++)
        {
            Task pending = write();
            int queuedAtPeer = -1;
            while (!pending.IsCompleted)
            {
                // A delayed ACK keeps sent data in the client's send buffer for a while, so "not writable" alone
                // proves nothing. TCP_QUICKACK makes the peer's kernel send the ACK it owes now; on loopback the
                // client processes it (and sends more if the peer's window allows) before the call returns.
                peerSocket.SetRawSocketOption(IpProtoTcp, TcpQuickAck, BitConverter.GetBytes(1));
                int queued = peerSocket.Available;
                if (!clientSocket.Poll(0, SelectMode.SelectWrite) && queued == queuedAtPeer)
                {
                    // No room here, no progress there: the peer's window is closed, the write waits for its reads.
                    return pending;
                }

                queuedAtPeer = queued;
                await Task.Yield();
            }

            await pending;
        }

        throw new InvalidOperationException($"{maxWrites} writes went through without stalling: the peer is reading.");
    }
}
