using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using TlsShutdown.Tests.Infrastructure;
using static TlsShutdown.Tests.Handshakes.HandshakeCalls;

namespace TlsShutdown.Tests.Handshakes;

/// <summary>
/// Every handshake through <see cref="TlsHandshake"/>, and every TlsEngineStream handshake, is recorded once in
/// <see cref="TlsShutdownMetrics.HandshakeDurationInstrument"/> with the tags DESIGN.md lists, and is counted in
/// <see cref="TlsShutdownMetrics.HandshakesActiveInstrument"/> while it runs. The peers that are not under test are
/// plain SslStreams, which record nothing.
/// </summary>
[Collection(ProcessWideCollection.Name)]
public sealed class HandshakeMetricsTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromMilliseconds(300);

    private readonly MeterCapture _meter = new();

    public void Dispose() => _meter.Dispose();

    [Theory]
    [MemberData(nameof(All), MemberType = typeof(HandshakeCalls))]
    public async Task A_successful_handshake_is_recorded_once_per_side_with_version_and_role(string streamType, SslProtocols protocol, bool sync)
    {
        using LoopbackSocketPair sockets = await LoopbackSocketPair.CreateAsync();
        await using Stream client = Create(streamType, new NetworkStream(sockets.Client, ownsSocket: true));
        await using Stream server = Create(streamType, new NetworkStream(sockets.Server, ownsSocket: true));

        await Task.WhenAll(
            ClientAsync(client, TestTls.ClientOptions(protocol), timeout: null, sync),
            ServerAsync(server, TestTls.ServerOptions(protocol), timeout: null, sync)).WaitAsync(Generous);

        string version = protocol == SslProtocols.Tls13 ? "1.3" : "1.2";
        string resumed = streamType == EngineType ? "tls.resumed=False" : null!;
        Assert.Equal(
            new[] { Tags("client", streamType, $"tls.protocol.version={version}", resumed), Tags("server", streamType, $"tls.protocol.version={version}", resumed) },
            Durations().Select(m => m.TagStrings).OrderBy(t => string.Join(",", t)));
        AssertActiveBalanced(streamType, expectedPerRole: 1);
    }

    [Theory]
    [MemberData(nameof(ZooData.Protocols), MemberType = typeof(ZooData))]
    public async Task TlsEngineStream_records_its_handshakes_without_TlsHandshake(SslProtocols protocol)
    {
        (TlsEngineStream client, TlsEngineStream server) = await Engine.EngineTls.ConnectAsync(
            s => new TlsEngineStream(s),
            (c, token) => c.AuthenticateAsClientAsync(TestTls.ClientOptions(protocol), token),
            s => new TlsEngineStream(s),
            (c, token) => c.AuthenticateAsServerAsync(TestTls.ServerOptions(protocol), token));
        await client.DisposeAsync();
        await server.DisposeAsync();

        Assert.Equal(["client", "server"], Durations().Select(m => (string)m[TlsShutdownMetrics.RoleTag]!).Order());
        Assert.All(Durations(), m => Assert.Equal(EngineType, m[TlsShutdownMetrics.StreamTypeTag]));
        AssertActiveBalanced(EngineType, expectedPerRole: 1);
    }

    [Fact]
    public async Task A_resumed_TlsEngineStream_handshake_is_tagged_resumed()
    {
        SslClientAuthenticationOptions client = Engine.EngineResumptionTests.ClientOptions(SslProtocols.Tls12);
        SslServerAuthenticationOptions server = TestTls.ServerOptions(SslProtocols.Tls12);
        await Engine.EngineResumptionTests.HandshakeAsync(client, server, engineClient: true, engineServer: true);
        await Engine.EngineResumptionTests.HandshakeAsync(client, server, engineClient: true, engineServer: true);

        Assert.Equal(
            ["False", "False", "True", "True"],
            Durations().Select(m => m[TlsShutdownMetrics.ResumedTag]?.ToString()!).Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(All), MemberType = typeof(HandshakeCalls))]
    public async Task A_timeout_is_recorded_as_timeout(string streamType, SslProtocols protocol, bool sync)
    {
        using LoopbackSocketPair sockets = await LoopbackSocketPair.CreateAsync();
        Stream tls = Create(streamType, new NetworkStream(sockets.Client, ownsSocket: true));

        await Assert.ThrowsAsync<TimeoutException>(() => ClientAsync(tls, TestTls.ClientOptions(protocol), Limit, sync).WaitAsync(Generous));

        MeterMeasurement failure = Assert.Single(Durations());
        Assert.Equal(Tags("client", streamType, "error.type=timeout"), failure.TagStrings);
        Assert.InRange(failure.Value, Limit.TotalSeconds * 0.9, Generous.TotalSeconds);
        AssertActiveBalanced(streamType, expectedPerRole: 1);
    }

    [Theory]
    [MemberData(nameof(TypesAndProtocols), MemberType = typeof(HandshakeCalls))]
    public async Task A_caller_cancellation_is_recorded_as_canceled(string streamType, SslProtocols protocol)
    {
        using LoopbackSocketPair sockets = await LoopbackSocketPair.CreateAsync();
        Stream tls = Create(streamType, new NetworkStream(sockets.Server, ownsSocket: true));
        using var cancellation = new CancellationTokenSource();

        Task handshake = ServerAsync(tls, TestTls.ServerOptions(protocol), TimeSpan.FromMinutes(5), sync: false, cancellation.Token);
        cancellation.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => handshake.WaitAsync(Generous));

        Assert.Equal(Tags("server", streamType, "error.type=canceled"), Assert.Single(Durations()).TagStrings);
        AssertActiveBalanced(streamType, expectedPerRole: 1);
    }

    [Theory]
    [MemberData(nameof(All), MemberType = typeof(HandshakeCalls))]
    public async Task A_refused_certificate_is_recorded_as_certificate(string streamType, SslProtocols protocol, bool sync)
    {
        using LoopbackSocketPair sockets = await LoopbackSocketPair.CreateAsync();
        await using Stream client = Create(streamType, new NetworkStream(sockets.Client, ownsSocket: true));
        await using var server = new SslStream(new NetworkStream(sockets.Server, ownsSocket: true));
        SslClientAuthenticationOptions options = TestTls.ClientOptions(protocol);
        options.RemoteCertificateValidationCallback = static (_, _, _, _) => false;

        Task serverHandshake = server.AuthenticateAsServerAsync(TestTls.ServerOptions(protocol));
        await Assert.ThrowsAsync<AuthenticationException>(() => ClientAsync(client, options, timeout: null, sync).WaitAsync(Generous));
        await Record.ExceptionAsync(() => serverHandshake.WaitAsync(Generous));

        Assert.Equal(Tags("client", streamType, "error.type=certificate"), Assert.Single(Durations()).TagStrings);
    }

    [Theory]
    [MemberData(nameof(All), MemberType = typeof(HandshakeCalls))]
    public async Task A_fatal_alert_is_recorded_as_alert(string streamType, SslProtocols protocol, bool sync)
    {
        SslProtocols other = protocol == SslProtocols.Tls12 ? SslProtocols.Tls13 : SslProtocols.Tls12;
        using LoopbackSocketPair sockets = await LoopbackSocketPair.CreateAsync();
        await using Stream client = Create(streamType, new NetworkStream(sockets.Client, ownsSocket: true));
        await using var server = new SslStream(new NetworkStream(sockets.Server, ownsSocket: true));

        Task serverHandshake = server.AuthenticateAsServerAsync(TestTls.ServerOptions(other));
        await Assert.ThrowsAsync<AuthenticationException>(() => ClientAsync(client, TestTls.ClientOptions(protocol), timeout: null, sync).WaitAsync(Generous));
        await Record.ExceptionAsync(() => serverHandshake.WaitAsync(Generous));

        Assert.Equal(Tags("client", streamType, "error.type=alert"), Assert.Single(Durations()).TagStrings);
    }

    [Theory]
    [MemberData(nameof(All), MemberType = typeof(HandshakeCalls))]
    public async Task A_transport_that_ends_is_recorded_as_io(string streamType, SslProtocols protocol, bool sync)
    {
        using LoopbackSocketPair sockets = await LoopbackSocketPair.CreateAsync();
        await using Stream client = Create(streamType, new NetworkStream(sockets.Client, ownsSocket: true));

        Task handshake = ClientAsync(client, TestTls.ClientOptions(protocol), timeout: null, sync);
        await WaitForBytesAsync(sockets.Server);
        sockets.Server.Shutdown(SocketShutdown.Send);
        await Assert.ThrowsAsync<IOException>(() => handshake.WaitAsync(Generous));

        Assert.Equal(Tags("client", streamType, "error.type=io"), Assert.Single(Durations()).TagStrings);
    }

    [Fact]
    public void Instruments_are_published_with_their_units()
    {
        var instruments = new Dictionary<string, System.Diagnostics.Metrics.Instrument>();
        using var listener = new System.Diagnostics.Metrics.MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter.Name == TlsShutdownMetrics.MeterName)
                {
                    lock (instruments)
                    {
                        instruments[instrument.Name] = instrument;
                    }
                }
            },
        };
        _ = TlsHandshake.DefaultTimeout;
        GracefulTlsClose.Close(new SslStream(new MemoryStream()));
        listener.Start();

        Assert.IsType<System.Diagnostics.Metrics.Histogram<double>>(instruments[TlsShutdownMetrics.HandshakeDurationInstrument]);
        Assert.Equal("s", instruments[TlsShutdownMetrics.HandshakeDurationInstrument].Unit);
        Assert.IsType<System.Diagnostics.Metrics.UpDownCounter<long>>(instruments[TlsShutdownMetrics.HandshakesActiveInstrument]);
        Assert.IsType<System.Diagnostics.Metrics.Counter<long>>(instruments[TlsShutdownMetrics.AlertsInstrument]);
        Assert.IsType<System.Diagnostics.Metrics.Counter<long>>(instruments[TlsShutdownMetrics.KeyUpdatesInstrument]);
        Assert.IsType<System.Diagnostics.Metrics.Counter<long>>(instruments[TlsShutdownMetrics.RenegotiationsInstrument]);
        Assert.All(instruments.Values, i => Assert.False(string.IsNullOrEmpty(i.Description)));
    }

    private static string[] Tags(string role, string streamType, params string?[] more) =>
        more.Where(t => t is not null)
            .Append($"tlsshutdown.role={role}")
            .Append($"tlsshutdown.stream.type={streamType}")
            .Order(StringComparer.Ordinal)
            .ToArray()!;

    private MeterMeasurement[] Durations() => _meter.Of(TlsShutdownMetrics.HandshakeDurationInstrument);

    /// <summary>Each side went up once per handshake and back down again, with the stream type and role tags only.</summary>
    private void AssertActiveBalanced(string streamType, int expectedPerRole)
    {
        MeterMeasurement[] active = _meter.Of(TlsShutdownMetrics.HandshakesActiveInstrument);
        Assert.All(active, m => Assert.Equal(streamType, m[TlsShutdownMetrics.StreamTypeTag]));
        Assert.All(active, m => Assert.Equal(2, m.Tags.Count));
        foreach (IGrouping<object?, MeterMeasurement> role in active.GroupBy(m => m[TlsShutdownMetrics.RoleTag]))
        {
            Assert.Equal(expectedPerRole, role.Count(m => m.Value == 1));
            Assert.Equal(0, role.Sum(m => m.Value));
        }
    }
}
