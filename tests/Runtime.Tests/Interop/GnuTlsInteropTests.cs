using System.Net.Sockets;
using System.Security.Authentication;
using TlsShutdown.Tests.Engine;
using TlsShutdown.Tests.Infrastructure;
using static TlsShutdown.Tests.Interop.InteropConnections;

namespace TlsShutdown.Tests.Interop;

/// <summary>
/// Against GnuTLS's <c>gnutls-serv</c> and <c>gnutls-cli</c> on 127.0.0.1: TlsEngineStream as client and as
/// server, TLS 1.2 and 1.3, RSA and ECDSA, the TLS 1.3 half-close in both directions (gnutls-cli sends its
/// close_notify at the end of its input and keeps reading), KeyUpdate, a renegotiation refused, client certificates.
/// </summary>
/// <remarks>
/// gnutls-serv has no option to choose its listening address: it listens on every interface, on a free port, for
/// the second a test lasts. The tests connect to it on 127.0.0.1 only. gnutls-cli connects to our listener on 127.0.0.1.
/// </remarks>
public sealed class GnuTlsInteropTests
{
    [InteropTheory(InteropTools.GnuTlsServer)]
    [MemberData(nameof(EngineTls.ProtocolsAndKeys), MemberType = typeof(EngineTls))]
    public async Task EngineClient_GnuTlsEchoServer_ExchangesData_AndClosesCleanly(SslProtocols protocol, string keyType)
    {
        using ToolProcess server = await StartServerAsync(protocol, keyType, out int port);
        await using TlsEngineStream client = await ConnectEngineAsync(port, protocol);

        await WriteLineAsync(client, "ping-from-engine");
        await ReadUntilAsync(client, "ping-from-engine\n");
        TlsCloseResult result = await CloseAsync(client);

        Assert.Equal(TlsCloseOutcome.Clean, result.Outcome);
        Assert.True(result.PeerCloseNotifyReceived);
    }

    [InteropTheory(InteropTools.GnuTlsClient)]
    [MemberData(nameof(EngineTls.ProtocolsAndKeys), MemberType = typeof(EngineTls))]
    public async Task EngineServer_GnuTlsClient_ExchangesData_AndClosesCleanly(SslProtocols protocol, string keyType)
    {
        using TcpListener listener = Listen();
        using ToolProcess client = StartClient(Port(listener), protocol, keyType);
        await using TlsEngineStream server = await AcceptEngineAsync(listener, protocol, keyType);

        await client.WaitForOutputAsync("Handshake was completed");
        await client.WriteLineAsync("ping-from-gnutls");
        await ReadUntilAsync(server, "ping-from-gnutls\n");
        await WriteLineAsync(server, "pong-from-engine");
        await client.WaitForOutputAsync("pong-from-engine");

        // At the end of its input gnutls-cli sends its close_notify.
        client.CloseInput();
        Assert.Equal(string.Empty, await ReadToEndAsync(server));
        TlsCloseResult result = await CloseAsync(server);

        Assert.Equal(TlsCloseOutcome.Clean, result.Outcome);
        Assert.True(result.PeerCloseNotifyReceived);
        Assert.Equal(0, await client.WaitForExitAsync());
    }

    [InteropTheory(InteropTools.GnuTlsClient)]
    [MemberData(nameof(ZooData.Protocols), MemberType = typeof(ZooData))]
    public async Task EngineServer_ClosesFirst_GnuTlsClientEndsTcpWithoutAnswering_IsTruncated(SslProtocols protocol)
    {
        using TcpListener listener = Listen();
        using ToolProcess client = StartClient(Port(listener), protocol, "ECDSA");
        await using TlsEngineStream server = await AcceptEngineAsync(listener, protocol, "ECDSA");
        await client.WaitForOutputAsync("Handshake was completed");

        // gnutls-cli does not answer a close_notify while its input is open: it reports the end and exits.
        TlsCloseResult result = await CloseAsync(server);

        Assert.Equal(TlsCloseOutcome.Truncated, result.Outcome);
        Assert.True(result.CloseNotifySent);
        Assert.False(result.PeerCloseNotifyReceived);
        await client.WaitForOutputAsync("Peer has closed the GnuTLS connection");
    }

    [InteropFact(InteropTools.GnuTlsClient)]
    public async Task Tls13EngineServer_GnuTlsClientClosesFirst_TheServerStillReplies_ThenClosesCleanly()
    {
        using TcpListener listener = Listen();
        using ToolProcess client = StartClient(Port(listener), SslProtocols.Tls13, "ECDSA");
        await using TlsEngineStream server = await AcceptEngineAsync(listener, SslProtocols.Tls13, "ECDSA");
        await client.WaitForOutputAsync("Handshake was completed");

        // End of gnutls-cli's input: it sends "request", then its close_notify, and keeps reading (RFC 8446 §6.1).
        await client.WriteLineAsync("request");
        client.CloseInput();
        Assert.Equal("request\n", await ReadToEndAsync(server));
        Assert.True(server.CloseNotifyReceived);
        Assert.False(server.CloseNotifySent);

        await WriteLineAsync(server, "reply-after-the-clients-close-notify");
        TlsCloseResult result = await CloseAsync(server);

        Assert.Equal(TlsCloseOutcome.Clean, result.Outcome);
        await client.WaitForOutputAsync("reply-after-the-clients-close-notify");
        Assert.Equal(0, await client.WaitForExitAsync());
    }

    [InteropFact(InteropTools.GnuTlsClient)]
    public async Task Tls12EngineServer_GnuTlsClientClosesFirst_TheEngineAnswersAtOnce()
    {
        using TcpListener listener = Listen();
        using ToolProcess client = StartClient(Port(listener), SslProtocols.Tls12, "RSA");
        await using TlsEngineStream server = await AcceptEngineAsync(listener, SslProtocols.Tls12, "RSA");
        await client.WaitForOutputAsync("Handshake was completed");

        await client.WriteLineAsync("request");
        client.CloseInput();
        Assert.Equal("request\n", await ReadToEndAsync(server));

        // RFC 5246 §7.2.1: our close_notify went out in answer; the connection is closed for writing.
        Assert.True(server.CloseNotifySent);
        await Assert.ThrowsAsync<InvalidOperationException>(() => WriteLineAsync(server, "too late"));
        Assert.Equal(0, await client.WaitForExitAsync());
        Assert.Equal(TlsCloseOutcome.Clean, (await CloseAsync(server)).Outcome);
    }

    [InteropFact(InteropTools.GnuTlsServer)]
    public async Task Tls13EngineClient_ClosesFirst_ThenStillReadsTheEchoServersReply()
    {
        using ToolProcess server = await StartServerAsync(SslProtocols.Tls13, "ECDSA", out int port);
        await using TlsEngineStream client = await ConnectEngineAsync(port, SslProtocols.Tls13);

        // Our close_notify right after the request: our direction is done, the server's is not.
        await WriteLineAsync(client, "request");
        await client.ShutdownAsync();
        Assert.True(client.CloseNotifySent);

        Assert.Equal("request\n", await ReadToEndAsync(client));
        Assert.True(client.CloseNotifyReceived);
        Assert.Equal(TlsCloseOutcome.Clean, (await CloseAsync(client)).Outcome);
    }

    [InteropFact(InteropTools.GnuTlsClient)]
    public async Task EngineServer_GnuTlsClientRequestsAKeyUpdate_DataFlowsBothWays()
    {
        using TcpListener listener = Listen();
        using ToolProcess client = StartClient(Port(listener), SslProtocols.Tls13, "RSA", "--inline-commands");
        await using TlsEngineStream server = await AcceptEngineAsync(listener, SslProtocols.Tls13, "RSA");
        await client.WaitForOutputAsync("Handshake was completed");

        // ^rekey^: gnutls-cli updates its keys and asks us to update ours.
        Task<string> read = ReadUntilAsync(server, "after-update-from-gnutls\n");
        await client.WriteLineAsync("^rekey^");
        await client.WriteLineAsync("after-update-from-gnutls");
        await read;
        await WriteLineAsync(server, "after-update-from-engine");
        await client.WaitForOutputAsync("after-update-from-engine");

        client.CloseInput();
        Assert.Equal(string.Empty, await ReadToEndAsync(server));
        Assert.Equal(TlsCloseOutcome.Clean, (await CloseAsync(server)).Outcome);
    }

    [InteropFact(InteropTools.GnuTlsClient)]
    public async Task EngineServer_GnuTlsClientTriesToRenegotiate_IsRefused()
    {
        using TcpListener listener = Listen();
        using ToolProcess client = StartClient(Port(listener), SslProtocols.Tls12, "ECDSA", "--inline-commands");
        await using TlsEngineStream server = await AcceptEngineAsync(listener, SslProtocols.Tls12, "ECDSA");
        await client.WaitForOutputAsync("Handshake was completed");

        Task<string> read = ReadUntilAsync(server, "never sent");
        await client.WriteLineAsync("^renegotiate^");

        // Each ClientHello is answered with a no_renegotiation warning. gnutls-cli retries a few times, then gives
        // up with a fatal alert, which ends our read.
        IOException error = await Assert.ThrowsAsync<IOException>(() => read);
        Assert.Contains("the peer sent a fatal alert", error.Message);
        await client.WaitForOutputAsync("ReHandshake has failed");
        Assert.Contains("No renegotiation is allowed", client.Output);
    }

    [InteropTheory(InteropTools.GnuTlsClient)]
    [MemberData(nameof(ZooData.Protocols), MemberType = typeof(ZooData))]
    public async Task EngineServer_RequiresAClientCertificate_GnuTlsClientPresentsIt(SslProtocols protocol)
    {
        using TcpListener listener = Listen();
        using ToolProcess client = StartClient(
            Port(listener), protocol, "ECDSA", "--x509certfile", InteropPki.CertificateFile("client"), "--x509keyfile", InteropPki.KeyFile("client"));
        byte[] expected = InteropPki.Client.GetCertHash();
        await using TlsEngineStream server = await AcceptEngineAsync(listener, protocol, "ECDSA", options =>
        {
            options.ClientCertificateRequired = true;
            options.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                certificate is not null && certificate.GetCertHash().AsSpan().SequenceEqual(expected);
        });

        Assert.Equal(expected, server.RemoteCertificate?.GetCertHash());
        await client.WaitForOutputAsync("Handshake was completed");
        await client.WriteLineAsync("hello");
        client.CloseInput();
        Assert.Equal("hello\n", await ReadToEndAsync(server));
        Assert.Equal(TlsCloseOutcome.Clean, (await CloseAsync(server)).Outcome);
    }

    private static string Priority(SslProtocols protocol) =>
        protocol == SslProtocols.Tls13 ? "NORMAL:-VERS-ALL:+VERS-TLS1.3" : "NORMAL:-VERS-ALL:+VERS-TLS1.2";

    private static Task<ToolProcess> StartServerAsync(SslProtocols protocol, string keyType, out int port) =>
        StartServerCoreAsync(protocol, keyType, port = InteropTools.FreePort());

    private static async Task<ToolProcess> StartServerCoreAsync(SslProtocols protocol, string keyType, int port)
    {
        ToolProcess server = ToolProcess.Start(
            InteropTools.GnuTlsServer,
            "--echo", "--port", port.ToString(), "--disable-client-cert", "--priority", Priority(protocol),
            "--x509certfile", InteropPki.CertificateFile(keyType), "--x509keyfile", InteropPki.KeyFile(keyType));
        try
        {
            await server.WaitForOutputAsync($"listening on IPv4");
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    private static ToolProcess StartClient(int port, SslProtocols protocol, string keyType, params string[] extra) => ToolProcess.Start(
        InteropTools.GnuTlsClient,
        [
            "127.0.0.1", "--port", port.ToString(), "--priority", Priority(protocol),
            "--x509cafile", InteropPki.CertificateFile(keyType), "--sni-hostname", "localhost", "--verify-hostname", "localhost",
            .. extra,
        ]);
}
