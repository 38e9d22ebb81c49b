using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;

namespace TlsShutdown.Tests.Infrastructure;

/// <summary>
/// An authenticated <see cref="SslStream"/> client connected to a <see cref="MisbehavingPeer"/> over loopback,
/// optionally with an <see cref="EofTrackingStream"/> between the SslStream and its <see cref="NetworkStream"/>.
/// The SslStream owns the transport, as in an application.
/// </summary>
public sealed class SslStreamZooConnection : IAsyncDisposable
{
    /// <summary>Bound on connecting and on the handshake: generous, only a broken test ever reaches it.</summary>
    public static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(20);

    private readonly LoopbackSocketPair _sockets;

    private SslStreamZooConnection(LoopbackSocketPair sockets, SslStream tls, EofTrackingStream? tracker, MisbehavingPeer peer)
    {
        _sockets = sockets;
        Tls = tls;
        Tracker = tracker;
        Peer = peer;
    }

    public SslStream Tls { get; }

    public EofTrackingStream? Tracker { get; }

    /// <summary>The stream right under <see cref="Tls"/>: the tracker if there is one, otherwise the transport.</summary>
    public Stream Transport { get; private init; } = Stream.Null;

    public MisbehavingPeer Peer { get; }

    /// <summary>The client's socket, owned by <see cref="Tls"/>.</summary>
    public Socket ClientSocket => _sockets.Client;

    /// <summary>The peer's socket, owned by <see cref="Peer"/>; for observing it only.</summary>
    public Socket PeerSocket => _sockets.Server;

    /// <summary>Whether the client's socket has been closed (disposed).</summary>
    public bool ClientTransportClosed => SocketState.IsDisposed(ClientSocket);

    /// <summary>Connects to a new peer with <paramref name="behavior"/> and completes the handshake with
    /// <paramref name="protocol"/> (unless <paramref name="authenticate"/> is false).</summary>
    public static async Task<SslStreamZooConnection> OpenAsync(
        PeerBehavior behavior,
        SslProtocols protocol,
        bool tracked,
        PeerOptions? peerOptions = null,
        int? socketBufferSize = null,
        bool authenticate = true,
        bool leaveTransportOpen = false,
        Func<Stream, Stream>? wrapTransport = null)
    {
        LoopbackSocketPair sockets = await LoopbackSocketPair.CreateAsync(socketBufferSize);
        MisbehavingPeer peer = MisbehavingPeer.Start(sockets.Server, behavior, protocol, peerOptions);
        Stream transport = new NetworkStream(sockets.Client, ownsSocket: true);
        transport = wrapTransport?.Invoke(transport) ?? transport;
        EofTrackingStream? tracker = tracked ? new EofTrackingStream(transport) : null;
        var tls = new SslStream(tracker ?? transport, leaveTransportOpen);
        var connection = new SslStreamZooConnection(sockets, tls, tracker, peer) { Transport = tracker ?? transport };
        if (!authenticate)
        {
            return connection;
        }

        try
        {
            using var timeout = new CancellationTokenSource(HandshakeTimeout);
            await tls.AuthenticateAsClientAsync(TestTls.ClientOptions(protocol), timeout.Token);
            await peer.Handshake.WaitAsync(HandshakeTimeout);
            if (tls.SslProtocol != protocol)
            {
                throw new InvalidOperationException($"Negotiated {tls.SslProtocol}, expected {protocol}.");
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Closes whatever is still open and waits for the peer to finish.</summary>
    public async ValueTask DisposeAsync()
    {
        Tls.Dispose();
        Transport.Dispose();
        _sockets.Dispose();
        await Peer.DisposeAsync();
    }
}
