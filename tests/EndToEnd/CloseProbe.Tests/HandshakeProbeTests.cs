using System.Text.Json;

namespace CloseProbe.Tests;

/// <summary>
/// <c>CloseProbe --handshake</c> against its embedded peers: the plain handshake hangs on a stalled peer, TlsHandshake
/// ends it at its limit for both stream types, a fatal alert is named, and a renegotiation request succeeds with
/// SslStream and is refused clearly by TlsEngineStream.
/// </summary>
public sealed class HandshakeProbeTests(HandshakeProbeTests.Run run) : IClassFixture<HandshakeProbeTests.Run>
{
    public static readonly TheoryData<string> Versions = new() { "1.2", "1.3" };

    private static readonly string[] Bounded = ["bounded-ssl-stream", "bounded-engine"];

    [Fact]
    public void A_row_for_every_peer_and_handshake_renegotiation_in_TLS12_only()
    {
        Assert.Equal(0, run.ExitCode);
        Assert.Equal("handshake", run.Report.GetProperty("mode").GetString());
        Assert.Equal(2 * 2 * 3 + 3, run.Rows.Count);
        Assert.All(run.Rows.Where(r => r.GetProperty("peer").GetString() == "requests-renegotiation"), r => Assert.Equal("1.2", r.GetProperty("tls").GetString()));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void A_stalled_handshake_hangs_plainly_and_times_out_at_the_limit_through_TlsHandshake(string tls)
    {
        Assert.Equal("HUNG", Outcome(tls, "stalls", "plain"));
        double limit = run.Report.GetProperty("limitMs").GetDouble();
        double patience = run.Report.GetProperty("patienceMs").GetDouble();
        foreach (string method in Bounded)
        {
            JsonElement row = run.Row(tls, "stalls", method);
            Assert.Equal("TimeoutException", row.GetProperty("outcome").GetString());
            Assert.InRange(row.GetProperty("timeMs").GetDouble(), limit - 50, patience);
        }
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void A_fatal_alert_fails_every_handshake_at_once_and_the_engine_names_it(string tls)
    {
        foreach (string method in (string[])["plain", .. Bounded])
        {
            Assert.Equal("AuthenticationException", Outcome(tls, "sends-fatal-alert", method));
        }

        Assert.Contains("protocol_version", run.Row(tls, "sends-fatal-alert", "bounded-engine").GetProperty("error").GetString());
    }

    [Fact]
    public void A_renegotiation_request_succeeds_with_SslStream_and_is_refused_clearly_by_TlsEngineStream()
    {
        Assert.Equal("Renegotiated", Outcome("1.2", "requests-renegotiation", "plain"));
        Assert.Equal("Renegotiated", Outcome("1.2", "requests-renegotiation", "bounded-ssl-stream"));
        JsonElement engine = run.Row("1.2", "requests-renegotiation", "bounded-engine");
        Assert.Equal("IOException", engine.GetProperty("outcome").GetString());
        Assert.Contains("required renegotiation", engine.GetProperty("error").GetString());
    }

    [Fact]
    public async Task The_table_shows_the_hung_calls_and_the_limit()
    {
        var output = new StringWriter();
        Assert.Equal(0, await ProbeProgram.RunAsync(["--handshake", "--tls", "1.3"], output, TextWriter.Null, CancellationToken.None));

        string table = output.ToString();
        Assert.Contains("TLS 1.3", table);
        Assert.Contains("HUNG (gave up)", table);
        Assert.Contains("TlsHandshake(TlsEngineStream)", table);
        Assert.Contains("AuthenticationException: protocol_version", table);
        Assert.DoesNotContain("TLS 1.2", table);
    }

    private string? Outcome(string tls, string peer, string method) => run.Row(tls, peer, method).GetProperty("outcome").GetString();

    /// <summary>One <c>--handshake --json</c> run, shared by the tests.</summary>
    public sealed class Run : IAsyncLifetime
    {
        public int ExitCode { get; private set; }

        public JsonElement Report { get; private set; }

        public IReadOnlyList<JsonElement> Rows { get; private set; } = [];

        public async Task InitializeAsync()
        {
            var output = new StringWriter();
            ExitCode = await ProbeProgram.RunAsync(["--handshake", "--json"], output, TextWriter.Null, CancellationToken.None);
            Report = JsonDocument.Parse(output.ToString()).RootElement.Clone();
            Rows = [.. Report.GetProperty("rows").EnumerateArray()];
        }

        public Task DisposeAsync() => Task.CompletedTask;

        public JsonElement Row(string tls, string peer, string handshake) =>
            Rows.Single(r => r.GetProperty("tls").GetString() == tls
                && r.GetProperty("peer").GetString() == peer
                && r.GetProperty("handshake").GetString() == handshake);
    }
}
