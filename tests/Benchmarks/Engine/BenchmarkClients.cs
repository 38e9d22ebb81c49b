using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace TlsShutdown.Benchmarks.Engine;

/// <summary>
/// The three TLS clients the engine benchmarks compare, each connected over loopback TCP to the same
/// <see cref="Peers.PeerKind.Sink"/> peer: TlsEngineStream, SslStream, and BouncyCastle's blocking
/// <see cref="TlsClientProtocol"/>. None of them checks the peer's certificate beyond accepting it (the benchmark's
/// own peer), none resumes a session unless asked (<c>allowResume</c>, for the resumption benchmark).
/// </summary>
internal static class BenchmarkClients
{
    private static readonly BcTlsCrypto SharedCrypto = new(new SecureRandom());

    public static Task<TlsEngineStream> ConnectEngineAsync(int port, SslProtocols protocol, bool readGreeting, bool allowResume = false) =>
        ConnectAsync(port, transport => new TlsEngineStream(transport), static (tls, options) => tls.AuthenticateAsClientAsync(options),
            Options(protocol, allowResume), readGreeting);

    public static Task<SslStream> ConnectSslStreamAsync(int port, SslProtocols protocol, bool readGreeting, bool allowResume = false) =>
        ConnectAsync(port, transport => new SslStream(transport), static (tls, options) => tls.AuthenticateAsClientAsync(options),
            Options(protocol, allowResume), readGreeting);

    private static SslClientAuthenticationOptions Options(SslProtocols protocol, bool allowResume) => new()
    {
        TargetHost = "localhost",
        EnabledSslProtocols = protocol,
        RemoteCertificateValidationCallback = static (_, _, _, _) => true,
        AllowTlsResume = allowResume,
    };

    /// <summary>Connects, authenticates, reads the greeting if asked; disposes the stream when any of it fails.</summary>
    private static async Task<T> ConnectAsync<T>(
        int port, Func<Stream, T> create, Func<T, SslClientAuthenticationOptions, Task> authenticate, SslClientAuthenticationOptions options, bool readGreeting)
        where T : Stream
    {
        T tls = create(await ConnectTransportAsync(port));
        try
        {
            await authenticate(tls, options);
            if (readGreeting)
            {
                await ReadGreetingAsync(tls);
            }

            return tls;
        }
        catch
        {
            await tls.DisposeAsync();
            throw;
        }
    }

    /// <summary>BouncyCastle's blocking client: <c>protocol.Connect(client)</c> over a NetworkStream, then <c>protocol.Stream</c>.</summary>
    public static TlsClientProtocol ConnectBouncyCastle(int port, SslProtocols protocol, bool readGreeting) =>
        ConnectBouncyCastle(port, protocol, readGreeting, out _);

    /// <summary>As <see cref="ConnectBouncyCastle(int, SslProtocols, bool)"/>; also gives the negotiated cipher suite.</summary>
    public static TlsClientProtocol ConnectBouncyCastle(int port, SslProtocols protocol, bool readGreeting, out int cipherSuite)
    {
        var transport = new NetworkStream(ConnectSocket(port), ownsSocket: true);
        var tls = new TlsClientProtocol(transport);
        try
        {
            var client = new BlockingClient(protocol);
            tls.Connect(client);
            cipherSuite = client.CipherSuite;
            if (readGreeting)
            {
                tls.Stream.ReadExactly(new byte[1]);
            }

            return tls;
        }
        catch
        {
            tls.Close();
            throw;
        }
    }

    private static async Task ReadGreetingAsync(Stream tls)
    {
        var greeting = new byte[1];
        await tls.ReadExactlyAsync(greeting);
    }

    private static async Task<Stream> ConnectTransportAsync(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new NetworkStream(socket, ownsSocket: true);
    }

    private static Socket ConnectSocket(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            socket.Connect(new IPEndPoint(IPAddress.Loopback, port));
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return socket;
    }

    /// <summary>BouncyCastle's default client limited to one protocol version, accepting the peer's certificate.</summary>
    private sealed class BlockingClient(SslProtocols protocol) : DefaultTlsClient(SharedCrypto)
    {
        protected override ProtocolVersion[] GetSupportedVersions() =>
            protocol == SslProtocols.Tls13 ? ProtocolVersion.TLSv13.Only() : ProtocolVersion.TLSv12.Only();

        public int CipherSuite => m_context.SecurityParameters.CipherSuite;

        public override TlsAuthentication GetAuthentication() => new AcceptAnyServer();

        private sealed class AcceptAnyServer : ServerOnlyTlsAuthentication
        {
            public override void NotifyServerCertificate(TlsServerCertificate serverCertificate)
            {
            }
        }
    }
}
