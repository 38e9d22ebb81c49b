using System.Net.Sockets;
using System.Security.Authentication;
using Org.BouncyCastle.Tls;
using TlsShutdown.Engine;
using TlsShutdown.Tests.Infrastructure;

namespace TlsShutdown.Tests.Engine;

/// <summary>
/// A <see cref="TlsEngineStream"/> client connected over loopback to a real TLS server (BouncyCastle's engine,
/// driven record by record by the test) that can send what well-behaved stacks do not send in bulk: empty
/// application-data records and warning alerts, correctly protected with the connection's keys.
/// </summary>
internal sealed class NoisyServerConnection : IAsyncDisposable
{
    private readonly LoopbackSocketPair _sockets;

    private NoisyServerConnection(LoopbackSocketPair sockets, TlsEngineStream client, NoisyServer server)
    {
        _sockets = sockets;
        Client = client;
        Server = server;
    }

    public TlsEngineStream Client { get; }

    public NoisyServer Server { get; }

    public Socket ClientSocket => _sockets.Client;

    public Socket ServerSocket => _sockets.Server;

    public static async Task<NoisyServerConnection> OpenAsync(SslProtocols protocol, int? socketBufferSize = null)
    {
        LoopbackSocketPair sockets = await LoopbackSocketPair.CreateAsync(socketBufferSize);
        var client = new TlsEngineStream(new NetworkStream(sockets.Client, ownsSocket: true));
        var server = new NoisyServer(new NetworkStream(sockets.Server, ownsSocket: true), protocol);
        var connection = new NoisyServerConnection(sockets, client, server);
        try
        {
            using var timeout = new CancellationTokenSource(EngineTls.HandshakeTimeout);
            await Task.WhenAll(
                client.AuthenticateAsClientAsync(TestTls.ClientOptions(protocol), timeout.Token),
                server.HandshakeAsync(timeout.Token));
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

/// <summary>The server end of a <see cref="NoisyServerConnection"/>.</summary>
internal sealed class NoisyServer : IAsyncDisposable
{
    private readonly NetworkStream _transport;
    private readonly Protocol _protocol = new();
    private readonly byte[] _buffer = new byte[32 * 1024];

    public NoisyServer(NetworkStream transport, SslProtocols protocol)
    {
        _transport = transport;
        _protocol.Accept(EngineServer.Create(TestTls.ServerOptions(protocol), this));
    }

    public async Task HandshakeAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await FlushAsync(cancellationToken);
            if (!_protocol.IsHandshaking)
            {
                return;
            }

            int read = await _transport.ReadAsync(_buffer, cancellationToken);
            if (read == 0)
            {
                throw new IOException("The client ended the connection during the handshake.");
            }

            _protocol.OfferInput(_buffer, 0, read);
        }
    }

    /// <summary>Produces <paramref name="count"/> records with <paramref name="produce"/> and sends them.</summary>
    public async Task SendAsync(Action<Protocol> produce, int count)
    {
        for (int i = 0; i < count; i++)
        {
            produce(_protocol);
        }

        await FlushAsync(CancellationToken.None);
    }

    /// <summary>Sends application data.</summary>
    public Task SendDataAsync(byte[] data) => SendAsync(p => p.WriteApplicationData(data, 0, data.Length), 1);

    /// <summary>Sends records made by <paramref name="produce"/> until the client's end of the connection; reads nothing.</summary>
    public async Task FloodAsync(Action<Protocol> produce)
    {
        while (true)
        {
            await SendAsync(produce, 256);
        }
    }

    public async ValueTask DisposeAsync() => await _transport.DisposeAsync();

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        int count;
        while ((count = _protocol.ReadOutput(_buffer, 0, _buffer.Length)) > 0)
        {
            await _transport.WriteAsync(_buffer.AsMemory(0, count), cancellationToken);
        }
    }

    /// <summary>BouncyCastle's server, with the protected record writers a misbehaving peer needs.</summary>
    public sealed class Protocol : TlsServerProtocol
    {
        public void SendEmptyRecord() => SafeWriteRecord(ContentType.application_data, TlsUtilities.EmptyBytes, 0, 0);

        public void SendWarning(short description) => RaiseAlertWarning(description, "test");

        /// <summary>A TLS 1.2 HelloRequest: the server asks the client to renegotiate.</summary>
        public void SendHelloRequest() => SafeWriteRecord(ContentType.handshake, [(byte)HandshakeType.hello_request, 0, 0, 0], 0, 4);

        /// <summary>A TLS 1.3 KeyUpdate that does not ask the client to update its own keys.</summary>
        public void SendKeyUpdate() => Send13KeyUpdate(updateRequested: false);
    }
}
