using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using TlsShutdown.Tests.Infrastructure;

namespace TlsShutdown.Tests.Engine;

/// <summary>
/// A TlsEngineStream client and an SslStream server, authenticated over loopback with the protocol asked for;
/// the server's raw transport is exposed so that a test can write on it what no TLS stack would.
/// </summary>
internal sealed class EngineClientConnection : IAsyncDisposable
{
    private readonly LoopbackSocketPair _sockets;

    private EngineClientConnection(LoopbackSocketPair sockets, TlsEngineStream client, SslStream server, NetworkStream serverTransport)
    {
        _sockets = sockets;
        Client = client;
        Server = server;
        ServerTransport = serverTransport;
    }

    public TlsEngineStream Client { get; }

    public SslStream Server { get; }

    public NetworkStream ServerTransport { get; }

    public Socket ServerSocket => _sockets.Server;

    public Socket ClientSocket => _sockets.Client;

    public static async Task<EngineClientConnection> OpenAsync(SslProtocols protocol)
    {
        LoopbackSocketPair sockets = await LoopbackSocketPair.CreateAsync();
        var client = new TlsEngineStream(new NetworkStream(sockets.Client, ownsSocket: true));
        var serverTransport = new NetworkStream(sockets.Server, ownsSocket: true);
        var server = new SslStream(serverTransport);
        var connection = new EngineClientConnection(sockets, client, server, serverTransport);
        try
        {
            using var timeout = new CancellationTokenSource(EngineTls.HandshakeTimeout);
            await Task.WhenAll(
                client.AuthenticateAsClientAsync(TestTls.ClientOptions(protocol), timeout.Token),
                server.AuthenticateAsServerAsync(TestTls.ServerOptions(protocol), timeout.Token));
            Assert.Equal(protocol, client.SslProtocol);
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
        await Client.DisposeAsync();
        await Server.DisposeAsync();
        _sockets.Dispose();
    }
}
