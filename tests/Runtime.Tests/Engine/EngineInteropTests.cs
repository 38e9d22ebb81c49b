using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using TlsShutdown.Tests.Infrastructure;

namespace TlsShutdown.Tests.Engine;

/// <summary>TlsEngineStream against SslStream both ways and against itself, over loopback, TLS 1.2 and 1.3.</summary>
public sealed class EngineInteropTests
{
    [Theory]
    [MemberData(nameof(EngineTls.ProtocolsAndKeys), MemberType = typeof(EngineTls))]
    public async Task EngineClient_SslStreamServer_ExchangesData(SslProtocols protocol, string keyType)
    {
        var (client, server) = await EngineTls.ConnectAsync(
            s => new TlsEngineStream(s),
            (c, ct) => c.AuthenticateAsClientAsync(EngineTls.ClientOptions(protocol, "h2", "http/1.1"), ct),
            s => new SslStream(s),
            (s, ct) => s.AuthenticateAsServerAsync(EngineTls.ServerOptions(protocol, EngineTls.Certificate(keyType), "http/1.1"), ct));
        await using (client)
        await using (server)
        {
            Assert.True(client.IsAuthenticated);
            Assert.Equal(protocol, client.SslProtocol);
            Assert.Equal(protocol, server.SslProtocol);
            Assert.Equal(SslApplicationProtocol.Http11, client.NegotiatedApplicationProtocol);
            Assert.Equal(SslApplicationProtocol.Http11, server.NegotiatedApplicationProtocol);
            Assert.Equal(EngineTls.Certificate(keyType).GetCertHash(), client.RemoteCertificate!.GetCertHash());
            await ExchangeAsync(client, server);
        }
    }

    [Theory]
    [MemberData(nameof(EngineTls.ProtocolsAndKeys), MemberType = typeof(EngineTls))]
    public async Task SslStreamClient_EngineServer_ExchangesData(SslProtocols protocol, string keyType)
    {
        var (client, server) = await EngineTls.ConnectAsync(
            s => new SslStream(s),
            (c, ct) => c.AuthenticateAsClientAsync(EngineTls.ClientOptions(protocol, "h2", "http/1.1"), ct),
            s => new TlsEngineStream(s),
            (s, ct) => s.AuthenticateAsServerAsync(EngineTls.ServerOptions(protocol, EngineTls.Certificate(keyType), "h2"), ct));
        await using (client)
        await using (server)
        {
            Assert.Equal(protocol, client.SslProtocol);
            Assert.Equal(protocol, server.SslProtocol);
            Assert.Equal(SslApplicationProtocol.Http2, client.NegotiatedApplicationProtocol);
            Assert.Equal(SslApplicationProtocol.Http2, server.NegotiatedApplicationProtocol);
            await ExchangeAsync(client, server);
        }
    }

    [Theory]
    [MemberData(nameof(EngineTls.ProtocolsAndKeys), MemberType = typeof(EngineTls))]
    public async Task EngineClient_EngineServer_ExchangesData(SslProtocols protocol, string keyType)
    {
        var (client, server) = await EngineTls.ConnectAsync(
            s => new TlsEngineStream(s),
            (c, ct) => c.AuthenticateAsClientAsync(EngineTls.ClientOptions(protocol), ct),
            s => new TlsEngineStream(s),
            (s, ct) => s.AuthenticateAsServerAsync(EngineTls.ServerOptions(protocol, EngineTls.Certificate(keyType)), ct));
        await using (client)
        await using (server)
        {
            Assert.Equal(protocol, client.SslProtocol);
            Assert.Equal(protocol, server.SslProtocol);
            Assert.Equal(default, client.NegotiatedApplicationProtocol);
            await ExchangeAsync(client, server);
            ExchangeSync(client, server);
        }
    }

    [Theory]
    [MemberData(nameof(ZooData.Protocols), MemberType = typeof(ZooData))]
    public async Task EngineClient_ClientCertificate_SslStreamServerRequiresIt(SslProtocols protocol)
    {
        SslClientAuthenticationOptions clientOptions = EngineTls.ClientOptions(protocol);
        clientOptions.ClientCertificates = [TestCertificates.Rsa];
        SslServerAuthenticationOptions serverOptions = EngineTls.ServerOptions(protocol, TestCertificates.Ecdsa);
        serverOptions.ClientCertificateRequired = true;
        serverOptions.RemoteCertificateValidationCallback = static (_, certificate, _, _) => TestCertificates.IsTestCertificate(certificate);
        var (client, server) = await EngineTls.ConnectAsync(
            s => new TlsEngineStream(s),
            (c, ct) => c.AuthenticateAsClientAsync(clientOptions, ct),
            s => new SslStream(s),
            (s, ct) => s.AuthenticateAsServerAsync(serverOptions, ct));
        await using (client)
        await using (server)
        {
            Assert.Equal(TestCertificates.Rsa.GetCertHash(), server.RemoteCertificate!.GetCertHash());
            await ExchangeAsync(client, server);
        }
    }

    [Theory]
    [MemberData(nameof(ZooData.Protocols), MemberType = typeof(ZooData))]
    public async Task EngineServer_RequiresClientCertificate_FromSslStreamClient(SslProtocols protocol)
    {
        SslClientAuthenticationOptions clientOptions = EngineTls.ClientOptions(protocol);
        clientOptions.ClientCertificates = [TestCertificates.Ecdsa];
        clientOptions.LocalCertificateSelectionCallback = static (_, _, certificates, _, _) => certificates[0];
        SslServerAuthenticationOptions serverOptions = EngineTls.ServerOptions(protocol, TestCertificates.Rsa);
        serverOptions.ClientCertificateRequired = true;
        serverOptions.RemoteCertificateValidationCallback = static (_, certificate, _, _) => TestCertificates.IsTestCertificate(certificate);
        var (client, server) = await EngineTls.ConnectAsync(
            s => new SslStream(s),
            (c, ct) => c.AuthenticateAsClientAsync(clientOptions, ct),
            s => new TlsEngineStream(s),
            (s, ct) => s.AuthenticateAsServerAsync(serverOptions, ct));
        await using (client)
        await using (server)
        {
            Assert.Equal(TestCertificates.Ecdsa.GetCertHash(), server.RemoteCertificate!.GetCertHash());
            await ExchangeAsync(client, server);
        }
    }

    [Theory]
    [MemberData(nameof(ZooData.Protocols), MemberType = typeof(ZooData))]
    public async Task EngineClient_WithoutCallback_RejectsUntrustedCertificate(SslProtocols protocol)
    {
        // The self-signed test certificate is not in the system trust store: X509Chain validation fails.
        var options = new SslClientAuthenticationOptions { TargetHost = TestCertificates.HostName, EnabledSslProtocols = protocol };
        await AssertHandshakeFailsAsync(
            s => new TlsEngineStream(s),
            (c, ct) => c.AuthenticateAsClientAsync(options, ct),
            s => new SslStream(s),
            (s, ct) => s.AuthenticateAsServerAsync(EngineTls.ServerOptions(protocol, TestCertificates.Ecdsa), ct),
            clientMustFail: true);
    }

    [Theory]
    [MemberData(nameof(ZooData.Protocols), MemberType = typeof(ZooData))]
    public async Task EngineClient_CallbackRefuses_HandshakeFailsOnBothSides(SslProtocols protocol)
    {
        SslPolicyErrors? seen = null;
        SslClientAuthenticationOptions options = EngineTls.ClientOptions(protocol);
        options.TargetHost = "other.example";
        options.RemoteCertificateValidationCallback = (_, _, _, errors) =>
        {
            seen = errors;
            return false;
        };
        await AssertHandshakeFailsAsync(
            s => new TlsEngineStream(s),
            (c, ct) => c.AuthenticateAsClientAsync(options, ct),
            s => new TlsEngineStream(s),
            (s, ct) => s.AuthenticateAsServerAsync(EngineTls.ServerOptions(protocol, TestCertificates.Rsa), ct),
            clientMustFail: true);
        Assert.NotNull(seen);
        Assert.True(seen.Value.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch));
        Assert.True(seen.Value.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors));
    }

    [Theory]
    [MemberData(nameof(ZooData.Protocols), MemberType = typeof(ZooData))]
    public async Task SslStreamClient_RefusesEngineServer_EngineServerFailsWithAuthenticationException(SslProtocols protocol)
    {
        SslClientAuthenticationOptions options = EngineTls.ClientOptions(protocol);
        options.RemoteCertificateValidationCallback = static (_, _, _, _) => false;
        await AssertHandshakeFailsAsync(
            s => new SslStream(s),
            (c, ct) => c.AuthenticateAsClientAsync(options, ct),
            s => new TlsEngineStream(s),
            (s, ct) => s.AuthenticateAsServerAsync(EngineTls.ServerOptions(protocol, TestCertificates.Ecdsa), ct),
            clientMustFail: true,
            serverMayFinishFirst: true);
    }

    [Fact]
    public async Task VersionMismatch_FailsWithAuthenticationException()
    {
        await AssertHandshakeFailsAsync(
            s => new TlsEngineStream(s),
            (c, ct) => c.AuthenticateAsClientAsync(EngineTls.ClientOptions(SslProtocols.Tls13), ct),
            s => new TlsEngineStream(s),
            (s, ct) => s.AuthenticateAsServerAsync(EngineTls.ServerOptions(SslProtocols.Tls12, TestCertificates.Ecdsa), ct),
            clientMustFail: true);
    }

    [Fact]
    public void UnsupportedOptions_ThrowNotSupportedException_NamingTheOption()
    {
        using var stream = new TlsEngineStream(new MemoryStream());
        var client = new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            LocalCertificateSelectionCallback = static (_, _, _, _, _) => null!,
        };
        NotSupportedException error = Assert.Throws<NotSupportedException>(() => { _ = stream.AuthenticateAsClientAsync(client); });
        Assert.Contains("LocalCertificateSelectionCallback", error.Message);

        using var stream2 = new TlsEngineStream(new MemoryStream());
#pragma warning disable SYSLIB0039 // testing that an obsolete version is refused
        var obsolete = new SslClientAuthenticationOptions { TargetHost = "localhost", EnabledSslProtocols = SslProtocols.Tls11 };
#pragma warning restore SYSLIB0039
        error = Assert.Throws<NotSupportedException>(() => { _ = stream2.AuthenticateAsClientAsync(obsolete); });
        Assert.Contains("EnabledSslProtocols", error.Message);

        using var stream3 = new TlsEngineStream(new MemoryStream());
        var server = new SslServerAuthenticationOptions { ServerCertificateSelectionCallback = static (_, _) => null! };
        error = Assert.Throws<NotSupportedException>(() => { _ = stream3.AuthenticateAsServerAsync(server); });
        Assert.Contains("ServerCertificateSelectionCallback", error.Message);
    }

    [Fact]
    public async Task UseBeforeAuthentication_Throws()
    {
        await using var stream = new TlsEngineStream(new MemoryStream());
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await stream.ReadAsync(new byte[1], 0, 1));
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await stream.WriteAsync(new byte[1]));
        Assert.False(stream.CanRead);
    }

    internal static async Task ExchangeAsync(Stream client, Stream server)
    {
        byte[] request = RandomNumberGenerator.GetBytes(100_000);
        byte[] response = RandomNumberGenerator.GetBytes(70_000);
        Task<byte[]> serverRead = EngineTls.ReadExactlyAsync(server, request.Length);
        await client.WriteAsync(request);
        await client.FlushAsync();
        Assert.Equal(request, await serverRead);
        Task<byte[]> clientRead = EngineTls.ReadExactlyAsync(client, response.Length);
        await server.WriteAsync(response);
        Assert.Equal(response, await clientRead);
    }

    private static void ExchangeSync(Stream client, Stream server)
    {
        byte[] request = RandomNumberGenerator.GetBytes(1000);
        client.Write(request, 0, request.Length);
        var received = new byte[request.Length];
        server.ReadExactly(received);
        Assert.Equal(request, received);
        server.Write(received.AsSpan(0, 10));
        Span<byte> back = stackalloc byte[10];
        client.ReadExactly(back);
        Assert.True(back.SequenceEqual(request.AsSpan(0, 10)));
    }

    private static async Task AssertHandshakeFailsAsync<TClient, TServer>(
        Func<Stream, TClient> client,
        Func<TClient, CancellationToken, Task> authenticateClient,
        Func<Stream, TServer> server,
        Func<TServer, CancellationToken, Task> authenticateServer,
        bool clientMustFail,
        bool serverMayFinishFirst = false)
        where TClient : Stream
        where TServer : Stream
    {
        LoopbackSocketPair sockets = await LoopbackSocketPair.CreateAsync();
        await using TClient clientStream = client(new System.Net.Sockets.NetworkStream(sockets.Client, ownsSocket: true));
        await using TServer serverStream = server(new System.Net.Sockets.NetworkStream(sockets.Server, ownsSocket: true));
        using var timeout = new CancellationTokenSource(EngineTls.HandshakeTimeout);
        Task clientHandshake = authenticateClient(clientStream, timeout.Token);
        Task serverHandshake = authenticateServer(serverStream, timeout.Token);

        Exception? clientError = await Record.ExceptionAsync(() => clientHandshake);
        if (clientError is not null)
        {
            // The failing side closes its transport, as an application would: the other side must end too.
            await clientStream.DisposeAsync();
        }

        Exception? serverError = await Record.ExceptionAsync(() => serverHandshake);
        Assert.False(timeout.IsCancellationRequested, "A handshake hung until the test's timeout.");
        if (clientMustFail)
        {
            Assert.IsType<AuthenticationException>(clientError);
        }

        if (serverError is null && serverMayFinishFirst)
        {
            // SslStream (over OpenSSL) validates the server's certificate only once its own handshake is done, after
            // its Finished: the server may complete first, and the refusal then ends the server's first read.
            serverError = await Record.ExceptionAsync(async () => await serverStream.ReadAsync(new byte[1]).AsTask().WaitAsync(EngineTls.HandshakeTimeout));
            Assert.IsAssignableFrom<IOException>(serverError);
            return;
        }

        Assert.NotNull(serverError);
        Assert.True(serverError is AuthenticationException or IOException, $"Unexpected {serverError}");
    }
}
