using System.Net.Security;
using System.Security.Authentication;
using TlsShutdown.Tests.Infrastructure;

namespace TlsShutdown.Tests.Engine;

/// <summary>
/// TlsEngineStream resumes TLS 1.2 sessions by session ID, as client and as server, with itself and with SslStream:
/// the second handshake to the same target is abbreviated, data flows, and the peer's certificate is validated again.
/// Each test uses a target host of its own: the client's cache is per target and process-wide.
/// </summary>
public sealed class EngineResumptionTests
{
    [Fact]
    public async Task Engine_to_engine_TLS12_the_second_handshake_resumes_and_revalidates_the_certificate()
    {
        int validations = 0;
        string host = ClientOptions(SslProtocols.Tls12).TargetHost!;
        SslClientAuthenticationOptions Options()
        {
            SslClientAuthenticationOptions options = ClientOptions(SslProtocols.Tls12);
            options.TargetHost = host;
            options.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            {
                Interlocked.Increment(ref validations);
                return TestCertificates.IsTestCertificate(certificate);
            };
            return options;
        }

        (bool first, bool firstServer) = await HandshakeAsync(Options(), TestTls.ServerOptions(SslProtocols.Tls12), engineClient: true, engineServer: true);
        (bool second, bool secondServer) = await HandshakeAsync(Options(), TestTls.ServerOptions(SslProtocols.Tls12), engineClient: true, engineServer: true);

        Assert.Equal((false, false), (first, firstServer));
        Assert.Equal((true, true), (second, secondServer));
        Assert.Equal(2, validations);
    }

    [Fact]
    public async Task Engine_client_resumes_with_an_SslStream_server()
    {
        SslClientAuthenticationOptions client = ClientOptions(SslProtocols.Tls12);
        var server = new SslServerAuthenticationOptions
        {
            ServerCertificateContext = SslStreamCertificateContext.Create(TestCertificates.Ecdsa, additionalCertificates: null),
            EnabledSslProtocols = SslProtocols.Tls12,
        };

        (bool first, _) = await HandshakeAsync(client, server, engineClient: true, engineServer: false);
        (bool second, _) = await HandshakeAsync(client, server, engineClient: true, engineServer: false);

        Assert.False(first);
        Assert.True(second);
    }

    [Fact]
    public async Task Engine_server_resumes_an_SslStream_client()
    {
        SslClientAuthenticationOptions client = ClientOptions(SslProtocols.Tls12);
        SslServerAuthenticationOptions server = TestTls.ServerOptions(SslProtocols.Tls12);

        (_, bool first) = await HandshakeAsync(client, server, engineClient: false, engineServer: true);
        (_, bool second) = await HandshakeAsync(client, server, engineClient: false, engineServer: true);

        Assert.False(first);
        Assert.True(second);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AllowTlsResume_false_on_either_side_makes_every_handshake_full(bool offClient)
    {
        SslClientAuthenticationOptions client = ClientOptions(SslProtocols.Tls12);
        SslServerAuthenticationOptions server = TestTls.ServerOptions(SslProtocols.Tls12);
        client.AllowTlsResume = !offClient;
        server.AllowTlsResume = offClient;

        for (int i = 0; i < 3; i++)
        {
            Assert.Equal((false, false), await HandshakeAsync(client, server, engineClient: true, engineServer: true));
        }
    }

    [Fact]
    public async Task Another_target_host_gets_a_full_handshake()
    {
        SslServerAuthenticationOptions server = TestTls.ServerOptions(SslProtocols.Tls12);
        await HandshakeAsync(ClientOptions(SslProtocols.Tls12), server, engineClient: true, engineServer: true);

        Assert.Equal((false, false), await HandshakeAsync(ClientOptions(SslProtocols.Tls12), server, engineClient: true, engineServer: true));
    }

    [Fact]
    public async Task TLS13_handshakes_are_always_full()
    {
        // BouncyCastle 2.7 neither issues nor uses TLS 1.3 session tickets (documented on IsResumedSession).
        SslClientAuthenticationOptions client = ClientOptions(SslProtocols.Tls13);
        SslServerAuthenticationOptions server = TestTls.ServerOptions(SslProtocols.Tls13);
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal((false, false), await HandshakeAsync(client, server, engineClient: true, engineServer: true));
        }
    }

    /// <summary>Client options for a target host no other test uses.</summary>
    internal static SslClientAuthenticationOptions ClientOptions(SslProtocols protocol)
    {
        SslClientAuthenticationOptions options = TestTls.ClientOptions(protocol);
        options.TargetHost = $"resume-{Guid.NewGuid():N}.test";
        options.AllowTlsResume = true;
        return options;
    }

    /// <summary>One connection: handshake, a byte each way, graceful closes. Returns whether each engine end resumed.</summary>
    internal static async Task<(bool Client, bool Server)> HandshakeAsync(
        SslClientAuthenticationOptions clientOptions, SslServerAuthenticationOptions serverOptions, bool engineClient, bool engineServer)
    {
        (Stream client, Stream server) = await EngineTls.ConnectAsync(
            s => engineClient ? new TlsEngineStream(s) : (Stream)new SslStream(s),
            (c, token) => c is TlsEngineStream e ? e.AuthenticateAsClientAsync(clientOptions, token) : ((SslStream)c).AuthenticateAsClientAsync(clientOptions, token),
            s => engineServer ? new TlsEngineStream(s) : (Stream)new SslStream(s),
            (c, token) => c is TlsEngineStream e ? e.AuthenticateAsServerAsync(serverOptions, token) : ((SslStream)c).AuthenticateAsServerAsync(serverOptions, token));
        await using (client)
        await using (server)
        {
            await client.WriteAsync("q"u8.ToArray());
            Assert.Equal("q"u8.ToArray(), await EngineTls.ReadExactlyAsync(server, 1));
            await server.WriteAsync("a"u8.ToArray());
            Assert.Equal("a"u8.ToArray(), await EngineTls.ReadExactlyAsync(client, 1));
            if (client is TlsEngineStream e)
            {
                Assert.NotNull(e.RemoteCertificate);
            }

            return ((client as TlsEngineStream)?.IsResumedSession ?? false, (server as TlsEngineStream)?.IsResumedSession ?? false);
        }
    }
}
