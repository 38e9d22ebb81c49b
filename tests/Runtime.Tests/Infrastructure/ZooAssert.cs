using TlsShutdown.Tests.Infrastructure;

namespace TlsShutdown.Tests;

/// <summary>Assertions every zoo test makes about the end of the connection.</summary>
internal static class ZooAssert
{
    /// <summary>Bound on waiting for the peer to notice the end: generous, only a broken close reaches it.</summary>
    public static readonly TimeSpan PeerObservationTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The close released the client's transport, and the peer saw the connection end.</summary>
    public static async Task<PeerEnd> TransportClosedAsync(SslStreamZooConnection connection)
    {
        Assert.True(connection.ClientTransportClosed, "The client's socket is still open after the close.");
        PeerEnd end = await connection.Peer.TransportEnded.WaitAsync(PeerObservationTimeout);
        if (connection.Peer.Behavior != PeerBehavior.Resets)
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
