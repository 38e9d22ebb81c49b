using System.Net.Security;
using System.Security.Authentication;
using TlsShutdown.Tests.Infrastructure;

namespace TlsShutdown.Tests.Engine;

/// <summary>
/// TlsEngineStream counts what happens between the handshake and the close: every alert sent and received
/// (<see cref="TlsShutdownMetrics.AlertsInstrument"/>) and every renegotiation request it refuses
/// (<see cref="TlsShutdownMetrics.RenegotiationsInstrument"/>); a failure caused by a fatal alert names the alert,
/// and the failure that follows a refused renegotiation says so.
/// </summary>
[Collection(ProcessWideCollection.Name)]
public sealed class EngineEventsTests : IDisposable
{
    private readonly MeterCapture _meter = new();

    public void Dispose() => _meter.Dispose();

    [Theory]
    [MemberData(nameof(ZooData.Protocols), MemberType = typeof(ZooData))]
    public async Task Close_notify_alerts_are_counted_once_each_way(SslProtocols protocol)
    {
        (TlsEngineStream client, TlsEngineStream server) = await ConnectEnginesAsync(protocol);
        await using (client)
        await using (server)
        {
            await client.ShutdownAsync();
            Assert.Equal(0, await server.ReadAsync(new byte[1]).AsTask().WaitAsync(EngineTls.HandshakeTimeout));
            await server.ShutdownAsync();
            Assert.Equal(0, await client.ReadAsync(new byte[1]).AsTask().WaitAsync(EngineTls.HandshakeTimeout));
        }

        // Both ends are in this process: one close_notify each way, each counted where it was sent and where it arrived.
        Assert.Equal(
            ["received warning close_notify", "received warning close_notify", "sent warning close_notify", "sent warning close_notify"],
            Alerts());
    }

    [Theory]
    [MemberData(nameof(ZooData.Protocols), MemberType = typeof(ZooData))]
    public async Task A_refused_certificate_is_one_fatal_alert_sent_and_received_and_the_peer_names_it(SslProtocols protocol)
    {
        SslClientAuthenticationOptions options = TestTls.ClientOptions(protocol);
        options.RemoteCertificateValidationCallback = static (_, _, _, _) => false;
        using LoopbackSocketPair sockets = await LoopbackSocketPair.CreateAsync();
        await using var client = new TlsEngineStream(new System.Net.Sockets.NetworkStream(sockets.Client, ownsSocket: true));
        await using var server = new TlsEngineStream(new System.Net.Sockets.NetworkStream(sockets.Server, ownsSocket: true));

        Task clientHandshake = client.AuthenticateAsClientAsync(options);
        Task serverHandshake = server.AuthenticateAsServerAsync(TestTls.ServerOptions(protocol));
        await Assert.ThrowsAsync<AuthenticationException>(() => clientHandshake.WaitAsync(EngineTls.HandshakeTimeout));
        var serverError = await Assert.ThrowsAnyAsync<Exception>(() => serverHandshake.WaitAsync(EngineTls.HandshakeTimeout));

        Assert.Contains("bad_certificate", serverError.Message);
        Assert.Equal(["received fatal bad_certificate", "sent fatal bad_certificate"], Alerts());
    }

    [Fact]
    public async Task A_renegotiation_request_is_refused_counted_and_named_in_the_failure()
    {
        // A TLS 1.2 SslStream server asks for a client certificate after the handshake: it sends a HelloRequest.
        (TlsEngineStream client, SslStream server) = await EngineTls.ConnectAsync(
            s => new TlsEngineStream(s),
            (c, token) => c.AuthenticateAsClientAsync(TestTls.ClientOptions(SslProtocols.Tls12), token),
            s => new SslStream(s),
            (s, token) => s.AuthenticateAsServerAsync(TestTls.ServerOptions(SslProtocols.Tls12), token));
        await using (client)
        await using (server)
        {
            using var timeout = new CancellationTokenSource(EngineTls.HandshakeTimeout);
#pragma warning disable CA1416 // Linux, Windows and FreeBSD: where these tests run.
            Task renegotiation = server.NegotiateClientCertificateAsync(timeout.Token);
#pragma warning restore CA1416
            var error = await Assert.ThrowsAsync<IOException>(() => client.ReadAsync(new byte[16]).AsTask().WaitAsync(EngineTls.HandshakeTimeout));
            await Assert.ThrowsAnyAsync<Exception>(() => renegotiation);

            Assert.Contains("required renegotiation", error.Message);
            Assert.Contains("does not support", error.Message);
            MeterMeasurement refused = Assert.Single(_meter.Of(TlsShutdownMetrics.RenegotiationsInstrument));
            Assert.Equal(["tlsshutdown.outcome=refused", "tlsshutdown.stream.type=TlsEngineStream"], refused.TagStrings);
            Assert.Contains("sent warning no_renegotiation", Alerts());

            // A later read reports the same cause.
            var again = await Assert.ThrowsAnyAsync<IOException>(() => client.ReadAsync(new byte[16]).AsTask());
            Assert.Contains("required renegotiation", again.Message);
        }
    }

    private static Task<(TlsEngineStream Client, TlsEngineStream Server)> ConnectEnginesAsync(SslProtocols protocol) =>
        EngineTls.ConnectAsync(
            s => new TlsEngineStream(s),
            (c, token) => c.AuthenticateAsClientAsync(TestTls.ClientOptions(protocol), token),
            s => new TlsEngineStream(s),
            (s, token) => s.AuthenticateAsServerAsync(TestTls.ServerOptions(protocol), token));

    /// <summary>The alerts counted, as "direction level description", sorted.</summary>
    private string[] Alerts() => _meter.Of(TlsShutdownMetrics.AlertsInstrument)
        .Select(m => $"{m[TlsShutdownMetrics.AlertDirectionTag]} {m[TlsShutdownMetrics.AlertLevelTag]} {m[TlsShutdownMetrics.AlertDescriptionTag]}")
        .Order(StringComparer.Ordinal)
        .ToArray();
}
