using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using TlsShutdown.Tests.Engine;
using static TlsShutdown.Tests.Interop.InteropConnections;

namespace TlsShutdown.Tests.Interop;

/// <summary>
/// Against OpenSSL's <c>s_server</c> and <c>s_client</c> on 127.0.0.1: TlsEngineStream as client and as server,
/// TLS 1.2 and 1.3, RSA and ECDSA, KeyUpdate, a renegotiation request refused, client certificates, and the
/// outcomes GracefulTlsClose reports for all three stream setups against a server that answers close_notify and
/// one that only closes TCP.
/// </summary>
public sealed class OpenSslInteropTests
{
    [InteropTheory(InteropTools.OpenSsl)]
    [MemberData(nameof(EngineTls.ProtocolsAndKeys), MemberType = typeof(EngineTls))]
    public async Task EngineClient_OpenSslServer_ExchangesData_AndClosesCleanly(SslProtocols protocol, string keyType)
    {
        using ToolProcess server = await StartServerAsync(protocol, keyType, out int port);
        await using TlsEngineStream client = await ConnectEngineAsync(port, protocol);

        await WriteLineAsync(client, "ping-from-engine");
        await server.WaitForOutputAsync("ping-from-engine");
        await server.WriteLineAsync("pong-from-openssl");
        await ReadUntilAsync(client, "pong-from-openssl\n");
        TlsCloseResult result = await CloseAsync(client);

        Assert.Equal(TlsCloseOutcome.Clean, result.Outcome);
        await server.WaitForOutputAsync("CONNECTION CLOSED");
    }

    [InteropTheory(InteropTools.OpenSsl)]
    [MemberData(nameof(EngineTls.ProtocolsAndKeys), MemberType = typeof(EngineTls))]
    public async Task EngineServer_OpenSslClient_ExchangesData_AndClosesCleanly(SslProtocols protocol, string keyType)
    {
        using TcpListener listener = Listen();
        using ToolProcess client = StartClient(Port(listener), protocol, InteropPki.CertificateFile(keyType));
        await using TlsEngineStream server = await AcceptEngineAsync(listener, protocol, keyType);

        await client.WaitForOutputAsync("Verify return code: 0 (ok)");
        await client.WriteLineAsync("ping-from-openssl");
        await ReadUntilAsync(server, "ping-from-openssl\n");
        await WriteLineAsync(server, "pong-from-engine");
        await client.WaitForOutputAsync("pong-from-engine");
        TlsCloseResult result = await CloseAsync(server);

        Assert.Equal(TlsCloseOutcome.Clean, result.Outcome);
        Assert.True(result.PeerCloseNotifyReceived);
    }

    [InteropFact(InteropTools.OpenSsl)]
    public async Task EngineClient_OpenSslServerRequestsAKeyUpdate_TheEngineAnswers_AndDataFlowsBothWays()
    {
        // -msg: s_server prints every handshake message it sends (>>>) and receives (<<<).
        using ToolProcess server = await StartServerAsync(SslProtocols.Tls13, "ECDSA", out int port, "-msg");
        await using TlsEngineStream client = await ConnectEngineAsync(port, SslProtocols.Tls13);
        await WriteLineAsync(client, "hello");
        await server.WaitForOutputAsync("hello");

        // "K": a KeyUpdate with update_requested. The engine takes the new receive keys and answers with its own
        // KeyUpdate before its next record; OpenSSL reads our reply only if both updates were right.
        await server.WriteLineAsync("K");
        await server.WaitForOutputAsync(">>> TLS 1.3, Handshake [length 0005], KeyUpdate");
        await server.WriteLineAsync("after-update-from-openssl");
        await ReadUntilAsync(client, "after-update-from-openssl\n");
        await WriteLineAsync(client, "after-update-from-engine");
        await server.WaitForOutputAsync("after-update-from-engine");
        Assert.Contains("<<< TLS 1.3, Handshake [length 0005], KeyUpdate", server.Output);

        Assert.Equal(TlsCloseOutcome.Clean, (await CloseAsync(client)).Outcome);
    }

    [InteropFact(InteropTools.OpenSsl)]
    public async Task EngineServer_OpenSslClientRequestsAKeyUpdate_DataFlowsBothWaysUnderTheNewKeys()
    {
        using TcpListener listener = Listen();
        using ToolProcess client = StartClient(Port(listener), SslProtocols.Tls13, InteropPki.CertificateFile("RSA"));
        await using TlsEngineStream server = await AcceptEngineAsync(listener, SslProtocols.Tls13, "RSA");
        await client.WaitForOutputAsync("Verify return code: 0 (ok)");

        await client.WriteLineAsync("K");
        await client.WaitForOutputAsync("KEYUPDATE");
        await client.WriteLineAsync("after-update-from-openssl");
        await ReadUntilAsync(server, "after-update-from-openssl\n");
        await WriteLineAsync(server, "after-update-from-engine");
        await client.WaitForOutputAsync("after-update-from-engine");

        Assert.Equal(TlsCloseOutcome.Clean, (await CloseAsync(server)).Outcome);
    }

    [InteropFact(InteropTools.OpenSsl)]
    public async Task EngineClient_OpenSslServerAsksToRenegotiate_TheRefusalEndsTheConnectionClearly()
    {
        using ToolProcess server = await StartServerAsync(SslProtocols.Tls12, "RSA", out int port);
        await using TlsEngineStream client = await ConnectEngineAsync(port, SslProtocols.Tls12);
        await WriteLineAsync(client, "hello");
        await server.WaitForOutputAsync("hello");

        // "r": a HelloRequest. The engine never renegotiates: it answers no_renegotiation, which OpenSSL treats as fatal.
        await server.WriteLineAsync("r");
        IOException error = await Assert.ThrowsAsync<IOException>(() => ReadUntilAsync(client, "never sent"));
        Assert.Contains("handshake_failure", error.Message);
        await server.WaitForOutputAsync("no renegotiation");

        // The fatal alert already ended the connection: the close has nothing to send.
        TlsCloseResult result = await CloseAsync(client);
        Assert.Equal(TlsCloseOutcome.NotConnected, result.Outcome);
        Assert.IsType<IOException>(result.Error);
    }

    [InteropFact(InteropTools.OpenSsl)]
    public async Task EngineServer_OpenSslClientTriesToRenegotiate_IsRefused()
    {
        using TcpListener listener = Listen();
        using ToolProcess client = StartClient(Port(listener), SslProtocols.Tls12, InteropPki.CertificateFile("ECDSA"));
        await using TlsEngineStream server = await AcceptEngineAsync(listener, SslProtocols.Tls12, "ECDSA");
        await client.WaitForOutputAsync("Verify return code: 0 (ok)");

        // The engine refuses the ClientHello with a no_renegotiation warning; OpenSSL then fails the connection.
        Task<string> read = ReadUntilAsync(server, "never sent");
        await client.WriteLineAsync("R");
        await client.WaitForOutputAsync("RENEGOTIATING");
        IOException error = await Assert.ThrowsAsync<IOException>(() => read);
        Assert.Contains("handshake_failure", error.Message);
        await client.WaitForOutputAsync("no renegotiation");
    }

    [InteropTheory(InteropTools.OpenSsl)]
    [MemberData(nameof(Infrastructure.ZooData.Protocols), MemberType = typeof(Infrastructure.ZooData))]
    public async Task EngineClient_PresentsItsCertificate_ToAnOpenSslServerThatRequiresOne(SslProtocols protocol)
    {
        using ToolProcess server = await StartServerAsync(protocol, "ECDSA", out int port, "-Verify", "1", "-verify_return_error", "-CAfile", InteropPki.CertificateFile("client"));
        await using TlsEngineStream client = await ConnectEngineAsync(port, protocol, o => o.ClientCertificates = [InteropPki.Client]);

        await WriteLineAsync(client, "hello");
        await server.WaitForOutputAsync("hello");
        Assert.Contains("CN = tlsshutdown-client", server.Output);
        Assert.Equal(TlsCloseOutcome.Clean, (await CloseAsync(client)).Outcome);
    }

    public static TheoryData<string, SslProtocols> KindsAndProtocols
    {
        get
        {
            var data = new TheoryData<string, SslProtocols>();
            foreach (string kind in new[] { "SslStream", "SslStream+EofTrackingStream", "TlsEngineStream" })
            {
                foreach (SslProtocols protocol in Infrastructure.TestTls.Protocols)
                {
                    data.Add(kind, protocol);
                }
            }

            return data;
        }
    }

    [InteropTheory(InteropTools.OpenSsl)]
    [MemberData(nameof(KindsAndProtocols))]
    public async Task GracefulTlsClose_ServerAnswersCloseNotify(string kind, SslProtocols protocol)
    {
        using ToolProcess server = await StartServerAsync(protocol, "ECDSA", out int port);
        await using Stream client = await ConnectAsync(kind, port, protocol);
        await WriteLineAsync(client, "hello");
        await server.WaitForOutputAsync("hello");

        TlsCloseResult result = await CloseAsync(client);

        // s_server answers our close_notify with its own, then closes the socket. SslStream alone cannot tell that
        // from a bare FIN once the FIN is in too (PeerClosed); with the tracker, and with the engine, it is exact.
        if (kind == "SslStream")
        {
            Assert.Contains(result.Outcome, new[] { TlsCloseOutcome.Clean, TlsCloseOutcome.PeerClosed });
        }
        else
        {
            Assert.Equal(TlsCloseOutcome.Clean, result.Outcome);
            Assert.True(result.PeerCloseNotifyReceived);
        }

        Assert.True(result.CloseNotifySent);
        await server.WaitForOutputAsync("CONNECTION CLOSED");
    }

    [InteropTheory(InteropTools.OpenSsl)]
    [MemberData(nameof(KindsAndProtocols))]
    public async Task GracefulTlsClose_ServerOnlyClosesTcp(string kind, SslProtocols protocol)
    {
        using ToolProcess server = await StartServerAsync(protocol, "ECDSA", out int port);
        await using Stream client = await ConnectAsync(kind, port, protocol);
        await WriteLineAsync(client, "hello");
        await server.WaitForOutputAsync("hello");

        // "q": s_server closes the TCP connection without a close_notify.
        await server.WriteLineAsync("q");
        await server.WaitForOutputAsync("DONE");
        TlsCloseResult result = await CloseAsync(client);

        if (kind == "SslStream")
        {
            Assert.Contains(result.Outcome, new[] { TlsCloseOutcome.PeerClosed, TlsCloseOutcome.Truncated, TlsCloseOutcome.SendFailed });
        }
        else
        {
            // The close_notify may still go out (the socket accepts it) or fail on the reset it causes.
            Assert.Contains(result.Outcome, new[] { TlsCloseOutcome.Truncated, TlsCloseOutcome.SendFailed });
            Assert.NotEqual(true, result.PeerCloseNotifyReceived);
        }
    }

    internal static Task<ToolProcess> StartServerAsync(SslProtocols protocol, string keyType, out int port, params string[] extra) =>
        StartServerCoreAsync(protocol, keyType, port = InteropTools.FreePort(), extra);

    private static async Task<ToolProcess> StartServerCoreAsync(SslProtocols protocol, string keyType, int port, string[] extra)
    {
        ToolProcess server = ToolProcess.Start(
            InteropTools.OpenSsl,
            [
                "s_server", "-accept", $"127.0.0.1:{port}", "-naccept", "1",
                "-cert", InteropPki.CertificateFile(keyType), "-key", InteropPki.KeyFile(keyType),
                protocol == SslProtocols.Tls13 ? "-tls1_3" : "-tls1_2", .. extra,
            ]);
        try
        {
            await server.WaitForOutputAsync("ACCEPT");
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    internal static ToolProcess StartClient(int port, SslProtocols protocol, string trustedCertificate) => ToolProcess.Start(
        InteropTools.OpenSsl,
        "s_client", "-connect", $"127.0.0.1:{port}", "-servername", "localhost", "-verify_hostname", "localhost",
        "-CAfile", trustedCertificate, "-verify_return_error",
        protocol == SslProtocols.Tls13 ? "-tls1_3" : "-tls1_2");
}
