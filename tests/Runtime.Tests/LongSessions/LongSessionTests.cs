using System.Net.Security;
using System.Security.Authentication;
using TlsShutdown.Tests.Engine;
using TlsShutdown.Tests.Infrastructure;

namespace TlsShutdown.Tests.LongSessions;

/// <summary>
/// Synthetic clients that hold one session for many exchanges while the peer does what long-lived peers do: the data
/// stays intact, every wait is bounded, and the meter counts every event exactly (handshakes, alerts,
/// renegotiation requests).
/// </summary>
[Collection(ProcessWideCollection.Name)]
public sealed class LongSessionTests : IDisposable
{
    private static readonly TimeSpan Bound = EngineTls.HandshakeTimeout;

    private readonly MeterCapture _meter = new();

    public void Dispose() => _meter.Dispose();

    [Theory]
    [MemberData(nameof(ZooData.Protocols), MemberType = typeof(ZooData))]
    public async Task Engine_to_engine_two_hundred_exchanges_then_a_clean_close_every_event_counted(SslProtocols protocol)
    {
        (TlsEngineStream client, TlsEngineStream server) = await EngineTls.ConnectAsync(
            s => new TlsEngineStream(s),
            (c, token) => TlsHandshake.AuthenticateAsClientAsync(c, TestTls.ClientOptions(protocol), cancellationToken: token),
            s => new TlsEngineStream(s),
            (s, token) => TlsHandshake.AuthenticateAsServerAsync(s, TestTls.ServerOptions(protocol), cancellationToken: token));

        var random = new Random(11);
        for (int i = 0; i < 200; i++)
        {
            // Sizes from 1 byte to 40 KB: single records and writes that span several.
            byte[] request = Payload(random, random.Next(1, i % 10 == 0 ? 40_000 : 600));
            await client.WriteAsync(request);
            Assert.Equal(request, await EngineTls.ReadExactlyAsync(server, request.Length));
            byte[] response = Payload(random, random.Next(1, 3_000));
            await server.WriteAsync(response);
            Assert.Equal(response, await EngineTls.ReadExactlyAsync(client, response.Length));
        }

        Task<TlsCloseResult> serverClose = CloseAfterPeerAsync(server);
        TlsCloseResult clientClose = await GracefulTlsClose.CloseAsync(client).WaitAsync(Bound);
        Assert.Equal(TlsCloseOutcome.Clean, clientClose.Outcome);
        Assert.True((await serverClose).CloseNotifySent);

        Assert.Equal(2, _meter.Of(TlsShutdownMetrics.HandshakeDurationInstrument).Length);
        Assert.Equal(
            ["received warning close_notify", "received warning close_notify", "sent warning close_notify", "sent warning close_notify"],
            Alerts());
        Assert.Empty(_meter.Of(TlsShutdownMetrics.KeyUpdatesInstrument));
        Assert.Empty(_meter.Of(TlsShutdownMetrics.RenegotiationsInstrument));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(40)]
    public async Task A_TLS12_SslStream_server_asks_for_a_client_certificate_after_n_exchanges_SslStream_renegotiates(int exchanges)
    {
        (SslStream client, SslStream server) = await EngineTls.ConnectAsync(
            s => new SslStream(s),
            (c, token) => c.AuthenticateAsClientAsync(TestTls.ClientOptions(SslProtocols.Tls12), token),
            s => new SslStream(s),
            (s, token) => s.AuthenticateAsServerAsync(RenegotiatingServerOptions(), token));
        await using (client)
        await using (server)
        {
            var random = new Random(exchanges);
            await ExchangeAsync(client, server, random, exchanges);

            // The client must be reading for the renegotiation to proceed: it reads the byte sent after it.
            Task<byte[]> next = EngineTls.ReadExactlyAsync(client, 1);
            using var limit = new CancellationTokenSource(Bound);
#pragma warning disable CA1416 // Linux, Windows and FreeBSD: where these tests run.
            await server.NegotiateClientCertificateAsync(limit.Token);
#pragma warning restore CA1416
            await server.WriteAsync(new byte[] { 7 });
            Assert.Equal([7], await next);

            await ExchangeAsync(client, server, random, exchanges);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(40)]
    public async Task A_TLS12_SslStream_server_asks_for_a_client_certificate_after_n_exchanges_the_engine_refuses_once_clearly(int exchanges)
    {
        (TlsEngineStream client, SslStream server) = await EngineTls.ConnectAsync(
            s => new TlsEngineStream(s),
            (c, token) => c.AuthenticateAsClientAsync(TestTls.ClientOptions(SslProtocols.Tls12), token),
            s => new SslStream(s),
            (s, token) => s.AuthenticateAsServerAsync(RenegotiatingServerOptions(), token));
        await using (client)
        await using (server)
        {
            await ExchangeAsync(client, server, new Random(exchanges), exchanges);

            using var limit = new CancellationTokenSource(Bound);
#pragma warning disable CA1416 // Linux, Windows and FreeBSD: where these tests run.
            Task renegotiation = server.NegotiateClientCertificateAsync(limit.Token);
#pragma warning restore CA1416
            var error = await Assert.ThrowsAsync<IOException>(() => EngineTls.ReadExactlyAsync(client, 1));
            // The server's call ends too, bounded (it may report the refusal or a renegotiation without a certificate).
            await Record.ExceptionAsync(() => renegotiation.WaitAsync(Bound));
            Assert.True(renegotiation.IsCompleted);

            Assert.Contains("required renegotiation", error.Message);
            Assert.Single(_meter.Of(TlsShutdownMetrics.RenegotiationsInstrument));
            Assert.Equal(["received fatal handshake_failure", "sent warning no_renegotiation"], Alerts());
        }
    }

    [Theory]
    [InlineData(SslProtocols.Tls12, 1)]
    [InlineData(SslProtocols.Tls12, 4)]
    [InlineData(SslProtocols.Tls13, 1)]
    [InlineData(SslProtocols.Tls13, 4)]
    public async Task A_peer_that_sends_warning_alerts_and_KeyUpdates_every_nth_message_data_intact_each_counted(SslProtocols protocol, int every)
    {
        // The peer: BouncyCastle's server driven record by record. Before every nth message it sends a user_canceled
        // warning (the one warning TLS 1.3 allows besides close_notify) and, in TLS 1.3, a KeyUpdate.
        await using NoisyServerConnection connection = await NoisyServerConnection.OpenAsync(protocol);
        const int Messages = 24;
        var random = new Random(every);
        int noisy = 0;
        for (int i = 0; i < Messages; i++)
        {
            if (i % every == 0)
            {
                noisy++;
                await connection.Server.SendAsync(p => p.SendWarning(Org.BouncyCastle.Tls.AlertDescription.user_canceled), 1);
                if (protocol == SslProtocols.Tls13)
                {
                    await connection.Server.SendAsync(p => p.SendKeyUpdate(), 1);
                }
            }

            byte[] message = Payload(random, random.Next(1, 3_000));
            await connection.Server.SendDataAsync(message);
            Assert.Equal(message, await EngineTls.ReadExactlyAsync(connection.Client, message.Length));
        }

        // The peer is configured by the engine's own server class, so its warnings are counted as sent too.
        string[] alerts = Alerts();
        Assert.Equal(noisy, alerts.Count(a => a == "received warning user_canceled"));
        Assert.Equal(noisy, alerts.Count(a => a == "sent warning user_canceled"));
        Assert.Equal(alerts.Length, 2 * noisy);
        MeterMeasurement[] keyUpdates = _meter.Of(TlsShutdownMetrics.KeyUpdatesInstrument);
        Assert.Equal(protocol == SslProtocols.Tls13 ? noisy : 0, keyUpdates.Length);
        Assert.All(keyUpdates, m => Assert.Equal("received", m[TlsShutdownMetrics.DirectionTag]));
    }

    private static SslServerAuthenticationOptions RenegotiatingServerOptions()
    {
        SslServerAuthenticationOptions options = TestTls.ServerOptions(SslProtocols.Tls12);

        // The renegotiation asks for a client certificate; the client has none, which this server accepts.
        options.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
        return options;
    }

    private static async Task ExchangeAsync(Stream client, Stream server, Random random, int exchanges)
    {
        for (int i = 0; i < exchanges; i++)
        {
            byte[] request = Payload(random, random.Next(1, 2_000));
            await client.WriteAsync(request);
            Assert.Equal(request, await EngineTls.ReadExactlyAsync(server, request.Length));
            byte[] response = Payload(random, random.Next(1, 2_000));
            await server.WriteAsync(response);
            Assert.Equal(response, await EngineTls.ReadExactlyAsync(client, response.Length));
        }
    }

    private static async Task<TlsCloseResult> CloseAfterPeerAsync(TlsEngineStream server)
    {
        Assert.Equal(0, await server.ReadAsync(new byte[1]).AsTask().WaitAsync(Bound));
        return await GracefulTlsClose.CloseAsync(server, new() { PeerCloseTimeout = TimeSpan.Zero }).WaitAsync(Bound);
    }

    private static byte[] Payload(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private string[] Alerts() => _meter.Of(TlsShutdownMetrics.AlertsInstrument)
        .Select(m => $"{m[TlsShutdownMetrics.AlertDirectionTag]} {m[TlsShutdownMetrics.AlertLevelTag]} {m[TlsShutdownMetrics.AlertDescriptionTag]}")
        .Order(StringComparer.Ordinal)
        .ToArray();
}
