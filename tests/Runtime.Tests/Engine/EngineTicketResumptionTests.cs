using System.Net.Security;
using System.Security.Authentication;
using TlsShutdown.Engine;
using TlsShutdown.Tests.Infrastructure;
using TlsShutdown.Tests.Interop;
using static TlsShutdown.Tests.Interop.InteropConnections;

namespace TlsShutdown.Tests.Engine;

/// <summary>
/// TlsEngineStream's client resumes TLS 1.2 sessions with RFC 5077 session tickets, for servers that resume by ticket
/// only: SslStream on Linux (OpenSSL) issues tickets, <c>openssl s_server -no_cache</c> keeps no session IDs.
/// </summary>
public sealed class EngineTicketResumptionTests
{
    [Fact]
    public async Task Engine_client_resumes_an_SslStream_server_with_its_ticket_again_and_again()
    {
        SslClientAuthenticationOptions client = EngineResumptionTests.ClientOptions(SslProtocols.Tls12);
        var server = new SslServerAuthenticationOptions
        {
            ServerCertificateContext = SslStreamCertificateContext.Create(TestCertificates.Ecdsa, additionalCertificates: null),
            EnabledSslProtocols = SslProtocols.Tls12,
        };

        (bool first, _) = await EngineResumptionTests.HandshakeAsync(client, server, engineClient: true, engineServer: false);
        ClientSession? stored = EngineSessions.Client.Get(new ClientSessionKey(client.TargetHost!, SslProtocols.Tls12, null));
        (bool second, _) = await EngineResumptionTests.HandshakeAsync(client, server, engineClient: true, engineServer: false);
        (bool third, _) = await EngineResumptionTests.HandshakeAsync(client, server, engineClient: true, engineServer: false);

        Assert.False(first);
        Assert.NotNull(stored?.Ticket);
        Assert.True(second);
        Assert.True(third);
    }

    [InteropFact(InteropTools.OpenSsl)]
    public async Task Engine_client_resumes_an_OpenSsl_server_without_a_session_cache_by_ticket()
    {
        string host = EngineResumptionTests.ClientOptions(SslProtocols.Tls12).TargetHost!;
        using ToolProcess server = await OpenSslInteropTests.StartServerAsync(SslProtocols.Tls12, "ECDSA", out int port, "-no_cache", "-naccept", "3");

        var resumed = new List<bool>();
        for (int i = 0; i < 3; i++)
        {
            await using TlsEngineStream client = await ConnectEngineAsync(port, SslProtocols.Tls12, o =>
            {
                o.TargetHost = host;
                o.AllowTlsResume = true;
            });
            await WriteLineAsync(client, $"ping-{i}");
            await server.WaitForOutputAsync($"ping-{i}");
            resumed.Add(client.IsResumedSession);
            Assert.Equal(TlsCloseOutcome.Clean, (await CloseAsync(client)).Outcome);
        }

        Assert.Equal([false, true, true], resumed);
    }

    [InteropFact(InteropTools.GnuTlsServer)]
    public async Task Engine_client_resumes_a_GnuTls_server_without_a_session_database_by_ticket()
    {
        string host = EngineResumptionTests.ClientOptions(SslProtocols.Tls12).TargetHost!;
        using ToolProcess server = await GnuTlsInteropTests.StartServerAsync(SslProtocols.Tls12, "ECDSA", out int port, "--nodb");

        var resumed = new List<bool>();
        for (int i = 0; i < 3; i++)
        {
            await using TlsEngineStream client = await ConnectEngineAsync(port, SslProtocols.Tls12, o =>
            {
                o.TargetHost = host;
                o.AllowTlsResume = true;
            });
            await WriteLineAsync(client, $"ping-{i}");
            await ReadUntilAsync(client, $"ping-{i}\n");
            resumed.Add(client.IsResumedSession);
            Assert.Equal(TlsCloseOutcome.Clean, (await CloseAsync(client)).Outcome);
        }

        Assert.Equal([false, true, true], resumed);
    }
}
