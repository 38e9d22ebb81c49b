using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;

namespace TlsShutdown.Tests.Infrastructure;

/// <summary>
/// A client TLS stream of any kind the runtime closes (<c>SslStream</c>, <c>SslStream+EofTrackingStream</c>,
/// <c>TlsEngineStream</c>) connected over loopback to an <see cref="SslStream"/> server whose raw transport the
/// test also holds, so that the server can write on it what no TLS stack would (a record dripped a byte at a time).
/// </summary>
public sealed class RawServerConnection : IAsyncDisposable
{
    private readonly LoopbackSocketPair _sockets;

    private RawServerConnection(LoopbackSocketPair sockets, Stream client, NetworkStream clientTransport, SslStream server, NetworkStream serverTransport)
    {
        _sockets = sockets;
        Client = client;
        ClientTransport = clientTransport;
        Server = server;
        ServerTransport = serverTransport;
    }

    /// <summary>The client's TLS stream: an <see cref="SslStream"/> or a <see cref="TlsEngineStream"/>.</summary>
    public Stream Client { get; }

    /// <summary>The client's socket stream (under the tracker, if there is one).</summary>
    public NetworkStream ClientTransport { get; }

    public SslStream Server { get; }

    public NetworkStream ServerTransport { get; }

    public static async Task<RawServerConnection> OpenAsync(string kind, SslProtocols protocol, bool leaveOpen = false)
    {
        LoopbackSocketPair sockets = await LoopbackSocketPair.CreateAsync();
        var clientTransport = new NetworkStream(sockets.Client, ownsSocket: true);
        var serverTransport = new NetworkStream(sockets.Server, ownsSocket: true);
        var server = new SslStream(serverTransport);
        Stream client = kind switch
        {
            "SslStream" => new SslStream(clientTransport, leaveOpen),
            "SslStream+EofTrackingStream" => new SslStream(new EofTrackingStream(clientTransport, leaveOpen), leaveOpen),
            "TlsEngineStream" => new TlsEngineStream(clientTransport, leaveOpen),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
        var connection = new RawServerConnection(sockets, client, clientTransport, server, serverTransport);
        try
        {
            using var timeout = new CancellationTokenSource(SslStreamZooConnection.HandshakeTimeout);
            Task clientHandshake = client is SslStream ssl
                ? ssl.AuthenticateAsClientAsync(TestTls.ClientOptions(protocol), timeout.Token)
                : ((TlsEngineStream)client).AuthenticateAsClientAsync(TestTls.ClientOptions(protocol), timeout.Token);
            await Task.WhenAll(clientHandshake, server.AuthenticateAsServerAsync(TestTls.ServerOptions(protocol), timeout.Token));
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Closes the client with GracefulTlsClose, blocking (on a pool thread) or not.</summary>
    public Task<TlsCloseResult> CloseAsync(TlsCloseOptions options, bool blocking) => blocking
        ? Task.Run(() => Close(options))
        : Client is SslStream ssl ? GracefulTlsClose.CloseAsync(ssl, options) : GracefulTlsClose.CloseAsync((TlsEngineStream)Client, options);

    /// <summary>The blocking close, on the calling thread.</summary>
    public TlsCloseResult Close(TlsCloseOptions options) =>
        Client is SslStream ssl ? GracefulTlsClose.Close(ssl, options) : GracefulTlsClose.Close((TlsEngineStream)Client, options);

    /// <summary>The server reads until the client's close_notify, then answers with its own and keeps the socket open.</summary>
    public async Task AnswerCloseNotifyAsync()
    {
        var buffer = new byte[1024];
        while (await Server.ReadAsync(buffer) > 0)
        {
        }

        await Server.ShutdownAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        await ClientTransport.DisposeAsync();
        await Server.DisposeAsync();
        _sockets.Dispose();
    }
}
