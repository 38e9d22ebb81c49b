using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using TlsShutdown.Tests.Infrastructure;

namespace TlsShutdown.Tests.Engine;

/// <summary>Helpers for the engine tests: two ends of a loopback connection, each authenticated as asked.</summary>
internal static class EngineTls
{
    /// <summary>Bound on a handshake in these tests: generous, only a broken handshake reaches it.</summary>
    public static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(20);

    public static TheoryData<SslProtocols, string> ProtocolsAndKeys
    {
        get
        {
            var data = new TheoryData<SslProtocols, string>();
            foreach (SslProtocols protocol in TestTls.Protocols)
            {
                data.Add(protocol, "RSA");
                data.Add(protocol, "ECDSA");
            }

            return data;
        }
    }

    public static X509Certificate2 Certificate(string keyType) => keyType == "RSA" ? TestCertificates.Rsa : TestCertificates.Ecdsa;

    /// <summary>Authenticates both ends concurrently and returns them; the streams own their sockets.</summary>
    public static async Task<(TClient Client, TServer Server)> ConnectAsync<TClient, TServer>(
        Func<Stream, TClient> client,
        Func<TClient, CancellationToken, Task> authenticateClient,
        Func<Stream, TServer> server,
        Func<TServer, CancellationToken, Task> authenticateServer)
        where TClient : Stream
        where TServer : Stream
    {
        LoopbackSocketPair sockets = await LoopbackSocketPair.CreateAsync();
        TClient clientStream = client(new NetworkStream(sockets.Client, ownsSocket: true));
        TServer serverStream = server(new NetworkStream(sockets.Server, ownsSocket: true));
        using var timeout = new CancellationTokenSource(HandshakeTimeout);
        Task clientHandshake = authenticateClient(clientStream, timeout.Token);
        Task serverHandshake = authenticateServer(serverStream, timeout.Token);
        try
        {
            await Task.WhenAll(clientHandshake, serverHandshake);
        }
        catch
        {
            await clientStream.DisposeAsync();
            await serverStream.DisposeAsync();
            throw;
        }

        return (clientStream, serverStream);
    }

    public static SslClientAuthenticationOptions ClientOptions(SslProtocols protocol, params string[] alpn)
    {
        SslClientAuthenticationOptions options = TestTls.ClientOptions(protocol);
        if (alpn.Length > 0)
        {
            options.ApplicationProtocols = [.. alpn.Select(p => new SslApplicationProtocol(p))];
        }

        return options;
    }

    public static SslServerAuthenticationOptions ServerOptions(SslProtocols protocol, X509Certificate2 certificate, params string[] alpn)
    {
        SslServerAuthenticationOptions options = TestTls.ServerOptions(protocol, certificate);
        if (alpn.Length > 0)
        {
            options.ApplicationProtocols = [.. alpn.Select(p => new SslApplicationProtocol(p))];
        }

        return options;
    }

    /// <summary>Reads exactly <paramref name="count"/> bytes.</summary>
    public static async Task<byte[]> ReadExactlyAsync(Stream stream, int count)
    {
        var buffer = new byte[count];
        await stream.ReadExactlyAsync(buffer).AsTask().WaitAsync(HandshakeTimeout);
        return buffer;
    }
}
