using System.Net.Sockets;

namespace TlsShutdown.Tests.Infrastructure;

/// <summary>Assertions every zoo test makes about the end of the connection.</summary>
public static class ZooAssert
{
    /// <summary>Bound on waiting for the peer to notice the end: generous, only a broken close reaches it.</summary>
    public static readonly TimeSpan PeerObservationTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The close released the client's transport, and the peer saw the connection end.</summary>
    public static Task<PeerEnd> TransportClosedAsync(SslStreamZooConnection connection) =>
        TransportClosedAsync(connection.ClientSocket, connection.Peer);

    /// <summary>The close released <paramref name="clientSocket"/> (whatever TLS stream ran over it), and
    /// <paramref name="peer"/> saw the connection end; returns how.</summary>
    public static async Task<PeerEnd> TransportClosedAsync(Socket clientSocket, MisbehavingPeer peer)
    {
        Assert.True(SocketState.IsDisposed(clientSocket), "The client's socket is still open after the close.");
        PeerEnd end = await peer.TransportEnded.WaitAsync(PeerObservationTimeout);
        if (peer.Behavior != PeerBehavior.Resets)
        {
            Assert.NotEqual(PeerEnd.ClosedByPeer, end);
        }

        return end;
    }

    /// <summary>Whether <paramref name="error"/> or one of its inner exceptions is a <typeparamref name="T"/>.</summary>
    public static T? FindInChain<T>(Exception? error)
        where T : Exception
    {
        for (; error is not null; error = error.InnerException)
        {
            if (error is T match)
            {
                return match;
            }
        }

        return null;
    }
}
