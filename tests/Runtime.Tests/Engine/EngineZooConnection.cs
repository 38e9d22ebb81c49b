using System.Net.Sockets;
using System.Security.Authentication;
using TlsShutdown.Tests.Infrastructure;

namespace TlsShutdown.Tests.Engine;

/// <summary>
/// An authenticated <see cref="TlsEngineStream"/> client connected to a <see cref="MisbehavingPeer"/> (an SslStream
/// server) over loopback. The engine stream owns the transport, as in an application.
/// </summary>
internal sealed class EngineZooConnection : IAsyncDisposable
{
    private readonly LoopbackSocketPair _sockets;

    private EngineZooConnection(LoopbackSocketPair sockets, TlsEngineStream tls, Stream transport, MisbehavingPeer peer)
    {
        _sockets = sockets;
        Tls = tls;
        Transport = transport;
        Peer = peer;
    }

    public TlsEngineStream Tls { get; }

    public Stream Transport { get; }

    public MisbehavingPeer Peer { get; }

    public Socket ClientSocket => _sockets.Client;

    public Socket PeerSocket => _sockets.Server;

    public static async Task<EngineZooConnection> OpenAsync(
        PeerBehavior behavior,
        SslProtocols protocol,
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
        var tls = new TlsEngineStream(transport, leaveTransportOpen);
        var connection = new EngineZooConnection(sockets, tls, transport, peer);
        if (!authenticate)
        {
            return connection;
        }

        try
        {
            using var timeout = new CancellationTokenSource(EngineTls.HandshakeTimeout);
            await tls.AuthenticateAsClientAsync(TestTls.ClientOptions(protocol), timeout.Token);
            await peer.Handshake.WaitAsync(EngineTls.HandshakeTimeout);
            Assert.Equal(protocol, tls.SslProtocol);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Tls.DisposeAsync();
        await Transport.DisposeAsync();
        _sockets.Dispose();
        await Peer.DisposeAsync();
    }
}
