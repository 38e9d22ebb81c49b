using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using Org.BouncyCastle.Tls;
using TlsShutdown.Tests.Infrastructure;

namespace TlsShutdown.Tests.Engine;

/// <summary>
/// TlsEngineStream keeps its own promises against peers that push it (issue 10): reads never wait for a stalled
/// writer, TLS 1.3 half-close works when the peer closes first, records without application data are limited,
/// the application's validation exception is kept, TargetHost is sent as SslStream sends it, and a close after a
/// fatal alert says what happened.
/// </summary>
public sealed class EngineIssue10Tests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(20);

    [Theory]
    [MemberData(nameof(ZooData.ProtocolsAndSync), MemberType = typeof(ZooData))]
    public async Task WhileAWriteIsStalled_AReadReturnsTheDataAndThePeersEnd(SslProtocols protocol, bool sync)
    {
        LoopbackSocketPair sockets = await LoopbackSocketPair.CreateAsync(bufferSize: 8 * 1024);
        using var _ = sockets;
        await using var client = new TlsEngineStream(new NetworkStream(sockets.Client, ownsSocket: true));
        await using var server = new SslStream(new NetworkStream(sockets.Server, ownsSocket: true));
        using (var timeout = new CancellationTokenSource(EngineTls.HandshakeTimeout))
        {
            await Task.WhenAll(
                client.AuthenticateAsClientAsync(TestTls.ClientOptions(protocol), timeout.Token),
                server.AuthenticateAsServerAsync(TestTls.ServerOptions(protocol), timeout.Token));
        }

        // The server does not read: our write is stuck for good, holding the write gate.
        Task stalledWrite = await SendBufferFiller.FillAsync(client, sockets.Client, sockets.Server);
        await server.WriteAsync("hello"u8.ToArray());
        await server.ShutdownAsync();

        // The engine wants to answer the close_notify (TLS 1.2) and must not wait for the writer to do so.
        (byte[] received, Exception? end) = await EngineTruncationTests.ReadToEndAsync(client, sync).WaitAsync(Guard);

        Assert.Null(end);
        Assert.Equal("hello"u8.ToArray(), received);
        Assert.True(client.CloseNotifyReceived);
        Assert.False(stalledWrite.IsCompleted);
        client.Dispose();
        await Record.ExceptionAsync(() => stalledWrite.WaitAsync(Guard));
    }

    [Theory]
    [MemberData(nameof(ZooData.Sync), MemberType = typeof(ZooData))]
    public async Task WhileAWriteIsStalled_AReadReturnsTheDataBeforeAHelloRequest(bool sync)
    {
        await using NoisyServerConnection connection = await NoisyServerConnection.OpenAsync(SslProtocols.Tls12, socketBufferSize: 8 * 1024);

        // The server does not read: our write is stuck for good. Then it sends data and asks to renegotiate; the
        // engine refuses with a no_renegotiation warning, which must not hold back the data.
        Task stalledWrite = await SendBufferFiller.FillAsync(connection.Client, connection.ClientSocket, connection.ServerSocket);
        await connection.Server.SendDataAsync("hello"u8.ToArray());
        await connection.Server.SendAsync(static p => p.SendHelloRequest(), 1);

        var buffer = new byte[16];
        int read = await (sync
            ? Task.Run(() => connection.Client.Read(buffer, 0, buffer.Length))
            : connection.Client.ReadAsync(buffer).AsTask()).WaitAsync(Guard);

        Assert.Equal("hello"u8.ToArray(), buffer[..read]);
        Assert.False(stalledWrite.IsCompleted);
        connection.Client.Dispose();
        await Record.ExceptionAsync(() => stalledWrite.WaitAsync(Guard));
    }

    [Theory]
    [MemberData(nameof(ZooData.Sync), MemberType = typeof(ZooData))]
    public async Task Tls13Server_ClientClosesFirst_TheServerStillReplies_ThenClosesCleanly(bool blocking)
    {
        // As gnutls-cli does: close_notify at the end of its input, then it keeps reading the server's reply.
        (SslStream client, TlsEngineStream server) = await EngineTls.ConnectAsync(
            t => new SslStream(t),
            (c, token) => c.AuthenticateAsClientAsync(TestTls.ClientOptions(SslProtocols.Tls13), token),
            t => new TlsEngineStream(t),
            (s, token) => s.AuthenticateAsServerAsync(TestTls.ServerOptions(SslProtocols.Tls13), token));
        await using var _ = client;
        await using var __ = server;

        await client.WriteAsync("request"u8.ToArray());
        await client.ShutdownAsync();
        Assert.Equal("request"u8.ToArray(), await EngineTls.ReadExactlyAsync(server, 7));
        Assert.Equal(0, await server.ReadAsync(new byte[16]).AsTask().WaitAsync(Guard));
        Assert.True(server.CloseNotifyReceived);
        Assert.False(server.CloseNotifySent);

        await server.WriteAsync("reply"u8.ToArray()).AsTask().WaitAsync(Guard);
        TlsCloseResult result = blocking
            ? await Task.Run(() => GracefulTlsClose.Close(server))
            : await GracefulTlsClose.CloseAsync(server);

        Assert.Equal("reply"u8.ToArray(), await EngineTls.ReadExactlyAsync(client, 5));
        Assert.Equal(0, await client.ReadAsync(new byte[16]).AsTask().WaitAsync(Guard));
        Assert.Equal(TlsCloseOutcome.Clean, result.Outcome);
        Assert.True(result.CloseNotifySent);
        Assert.True(result.PeerCloseNotifyReceived);
    }

    [Fact]
    public async Task Tls12Server_ClientClosesFirst_TheEngineAnswersAtOnce_AndRefusesWrites()
    {
        (SslStream client, TlsEngineStream server) = await EngineTls.ConnectAsync(
            t => new SslStream(t),
            (c, token) => c.AuthenticateAsClientAsync(TestTls.ClientOptions(SslProtocols.Tls12), token),
            t => new TlsEngineStream(t),
            (s, token) => s.AuthenticateAsServerAsync(TestTls.ServerOptions(SslProtocols.Tls12), token));
        await using var _ = client;
        await using var __ = server;

        await client.ShutdownAsync();
        Assert.Equal(0, await server.ReadAsync(new byte[16]).AsTask().WaitAsync(Guard));

        // RFC 5246 §7.2.1: answered at once; the client sees our close_notify.
        Assert.Equal(0, await client.ReadAsync(new byte[16]).AsTask().WaitAsync(Guard));
        Assert.True(server.CloseNotifySent);
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await server.WriteAsync(new byte[1]));
    }

    public static TheoryData<SslProtocols, string> ProtocolsAndNoise
    {
        get
        {
            var data = new TheoryData<SslProtocols, string>();
            foreach (SslProtocols protocol in TestTls.Protocols)
            {
                data.Add(protocol, "empty records");
                data.Add(protocol, "warning alerts");
            }

            data.Add(SslProtocols.Tls13, "key updates");

            return data;
        }
    }

    private static Action<NoisyServer.Protocol> Noise(string kind) => kind switch
    {
        "empty records" => static p => p.SendEmptyRecord(),
        "warning alerts" => static p => p.SendWarning(AlertDescription.user_canceled),
        _ => static p => p.SendKeyUpdate(),
    };

    [Theory]
    [MemberData(nameof(ProtocolsAndNoise))]
    public async Task ARead_FailsClearly_PastTheLimitOfRecordsWithoutData(SslProtocols protocol, string noise)
    {
        await using NoisyServerConnection connection = await NoisyServerConnection.OpenAsync(protocol);
        await connection.Server.SendAsync(Noise(noise), TlsEngineStream.MaxRecordsWithoutApplicationData + 1);

        IOException error = await Assert.ThrowsAsync<IOException>(
            async () => await connection.Client.ReadAsync(new byte[100]).AsTask().WaitAsync(Guard));

        Assert.Contains($"more than {TlsEngineStream.MaxRecordsWithoutApplicationData} TLS records in a row without application data", error.Message);
        await Assert.ThrowsAsync<IOException>(() => EngineTruncationTests.ReadOnceAsync(connection.Client, sync: false));
    }

    [Theory]
    [MemberData(nameof(ProtocolsAndNoise))]
    public async Task ARead_AcceptsRecordsWithoutData_UpToTheLimit(SslProtocols protocol, string noise)
    {
        await using NoisyServerConnection connection = await NoisyServerConnection.OpenAsync(protocol);

        // Up to the limit, then data (which starts the count again), then up to the limit once more.
        for (int round = 0; round < 2; round++)
        {
            await connection.Server.SendAsync(Noise(noise), TlsEngineStream.MaxRecordsWithoutApplicationData);
            await connection.Server.SendDataAsync("data"u8.ToArray());
            Assert.Equal("data"u8.ToArray(), await EngineTls.ReadExactlyAsync(connection.Client, 4));
        }
    }

    [Fact]
    public async Task AHandshake_FailsClearly_WhenThePeerFloodsWarningAlerts()
    {
        using LoopbackSocketPair sockets = await LoopbackSocketPair.CreateAsync();
        await using var client = new TlsEngineStream(new NetworkStream(sockets.Client, ownsSocket: true));
        using var timeout = new CancellationTokenSource(Guard);
        Task handshake = client.AuthenticateAsClientAsync(TestTls.ClientOptions(SslProtocols.Tls12), timeout.Token);

        // A TLS 1.2 server that answers the ClientHello with plaintext warning alerts (unrecognized_name) only.
        Assert.True(await sockets.Server.ReceiveAsync(new byte[16 * 1024]) > 0);
        byte[] alert = [21, 3, 3, 0, 2, 1, (byte)AlertDescription.unrecognized_name];
        await sockets.Server.SendAsync(Enumerable.Repeat(alert, 1000).SelectMany(a => a).ToArray());

        AuthenticationException error = await Assert.ThrowsAsync<AuthenticationException>(() => handshake);
        Assert.Contains("without application data", error.Message);
        Assert.False(timeout.IsCancellationRequested);
    }

    [Fact]
    public async Task AnExceptionOfTheValidationCallback_IsTheInnerExceptionOfTheHandshakeFailure()
    {
        var thrown = new InvalidDataException("the application's own reason");
        SslClientAuthenticationOptions options = TestTls.ClientOptions(SslProtocols.Tls13);
        options.RemoteCertificateValidationCallback = (_, _, _, _) => throw thrown;

        Exception? error = await Record.ExceptionAsync(() => EngineTls.ConnectAsync(
            t => new TlsEngineStream(t),
            (c, token) => c.AuthenticateAsClientAsync(options, token),
            t => new SslStream(t),
            async (s, token) =>
            {
                try
                {
                    await s.AuthenticateAsServerAsync(TestTls.ServerOptions(SslProtocols.Tls13), token);
                }
                catch (Exception) when (!token.IsCancellationRequested)
                {
                    // The client refused the certificate: the server's handshake fails too.
                }
            }));

        AuthenticationException failure = Assert.IsType<AuthenticationException>(error);
        Assert.Same(thrown, failure.InnerException);
    }

    public static TheoryData<string, string> TargetHosts => new()
    {
        // SslStream's server reports the name it received in its Unicode form: what it decodes is valid punycode
        // (the engine used to send "b?cher.example").
        { "bücher.example", "bücher.example" },
        { "BÜCHER.example.", "bücher.example" },
        { ".", string.Empty },
        { "localhost", "localhost" },
        { "under_score.example", "under_score.example" },
    };

    [Theory]
    [MemberData(nameof(TargetHosts))]
    public async Task TargetHost_IsSentAsSslStreamSendsIt(string targetHost, string expectedSni)
    {
        SslClientAuthenticationOptions options = TestTls.ClientOptions(SslProtocols.Tls13);
        options.TargetHost = targetHost;
        string? sni = null;
        SslServerAuthenticationOptions serverOptions = TestTls.ServerOptions(SslProtocols.Tls13);
        serverOptions.ServerCertificateSelectionCallback = (_, name) =>
        {
            sni = name;
            return TestCertificates.Ecdsa;
        };
        serverOptions.ServerCertificate = null;

        (TlsEngineStream client, SslStream server) = await EngineTls.ConnectAsync(
            t => new TlsEngineStream(t),
            (c, token) => c.AuthenticateAsClientAsync(options, token),
            t => new SslStream(t),
            (s, token) => s.AuthenticateAsServerAsync(serverOptions, token));
        await using var _ = client;
        await using var __ = server;

        Assert.Equal(expectedSni, sni ?? string.Empty);
    }

    [Theory]
    [MemberData(nameof(ZooData.Protocols), MemberType = typeof(ZooData))]
    public async Task CloseAfterTheHandshakeFailedWithAFatalAlert_IsNotConnected_WithTheFailure(SslProtocols protocol)
    {
        await using EngineClientConnection connection = await EngineClientConnection.OpenAsync(protocol);

        // A plaintext fatal alert (handshake_failure), as a peer refusing renegotiation or a TLS 1.3 server that
        // required a certificate sends it.
        await connection.ServerTransport.WriteAsync(new byte[] { 21, 3, 3, 0, 2, 2, (byte)AlertDescription.handshake_failure });
        await Assert.ThrowsAsync<IOException>(async () => await connection.Client.ReadAsync(new byte[10]).AsTask().WaitAsync(Guard));

        TlsCloseResult result = await GracefulTlsClose.CloseAsync(connection.Client);

        Assert.Equal(TlsCloseOutcome.NotConnected, result.Outcome);
        Assert.False(result.CloseNotifySent);
        Assert.False(result.PeerCloseNotifyReceived);
        Assert.IsType<IOException>(result.Error);
        Assert.True(SocketState.IsDisposed(connection.ClientSocket));
    }
}
