using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace CloseProbe.Tests;

/// <summary>
/// CloseProbe's default run against its embedded peers: every row must say what the close really did. The
/// bounds come from TlsCloseOptions.Default (send 3 s, peer 1 s, 1 MiB) and the probe's 5 s patience.
/// </summary>
public sealed class CloseProbeTests(CloseProbeRunFixture run) : IClassFixture<CloseProbeRunFixture>
{
    public static readonly TheoryData<string> Versions = new() { "1.2", "1.3" };

    private static readonly string[] Peers =
        ["answers-close-notify", "closes-tcp-only", "never-answers", "stops-reading", "keeps-sending", "resets"];

    [Fact]
    public void Json_run_succeeds_and_has_a_row_for_every_peer_method_and_version()
    {
        Assert.Equal(0, run.ExitCode);
        Assert.Equal("CloseProbe", run.Report.GetProperty("tool").GetString());
        Assert.Equal("embedded", run.Report.GetProperty("target").GetString());
        string[] methods = [.. run.Rows.Select(r => r.GetProperty("close").GetString()!).Distinct()];
        Assert.Contains("dispose", methods);
        Assert.Contains("shutdown-then-dispose", methods);
        Assert.Contains("graceful", methods);
        Assert.Contains("graceful-eof-tracking", methods);
        Assert.Equal(2 * Peers.Length * methods.Length, run.Rows.Count);
        foreach (string tls in new[] { "1.2", "1.3" })
        {
            foreach (string peer in Peers)
            {
                foreach (string method in methods)
                {
                    JsonElement row = run.Row(tls, peer, method);
                    Assert.NotEqual("ConnectFailed", row.GetProperty("outcome").GetString());
                }
            }
        }
    }

    [Fact]
    public void Json_goes_to_stdout_alone_and_progress_to_stderr()
    {
        Assert.StartsWith("{", run.Json.TrimStart(), StringComparison.Ordinal);
        Assert.DoesNotContain("probes done", run.Json, StringComparison.Ordinal);
        Assert.Contains("probes done", run.Progress, StringComparison.Ordinal);
    }

    [Fact]
    public void Default_run_takes_well_under_twenty_seconds()
    {
        // The slowest probe is ShutdownAsync against a peer that stops reading: the probe gives up after 5 s.
        Assert.InRange(run.Duration, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(20));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void Dispose_never_sends_close_notify(string tls)
    {
        foreach (string peer in Peers)
        {
            JsonElement row = run.Row(tls, peer, "dispose");
            Assert.False(row.GetProperty("closeNotifySent").GetBoolean());
            Assert.NotEqual("close_notify", row.GetProperty("peerSaw").GetString());
            Assert.Equal(JsonValueKind.Null, row.GetProperty("outcome").ValueKind);
        }
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void ShutdownAsync_sends_close_notify_but_hangs_on_a_peer_that_stops_reading(string tls)
    {
        foreach (string peer in Peers.Where(p => p != "stops-reading"))
        {
            JsonElement row = run.Row(tls, peer, "shutdown-then-dispose");
            Assert.False(row.GetProperty("hung").GetBoolean(), peer);
            Assert.Equal("close_notify", row.GetProperty("peerSaw").GetString());
        }

        JsonElement stalled = run.Row(tls, "stops-reading", "shutdown-then-dispose");
        Assert.True(stalled.GetProperty("hung").GetBoolean());
        // The probe gives up after 5 s; its timer may fire a few milliseconds before the stopwatch reads 5,000.
        Assert.True(stalled.GetProperty("elapsedMs").GetDouble() >= 4900);
        Assert.NotEqual("close_notify", stalled.GetProperty("peerSaw").GetString());
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void GracefulTlsClose_with_EofTrackingStream_names_each_peer_behaviour(string tls)
    {
        Assert.Equal("Clean", Outcome(tls, "answers-close-notify"));
        Assert.Equal("Truncated", Outcome(tls, "closes-tcp-only"));
        Assert.Equal("TimedOut", Outcome(tls, "never-answers"));
        Assert.Equal("SendFailed", Outcome(tls, "stops-reading"));
        Assert.Equal("DiscardLimitExceeded", Outcome(tls, "keeps-sending"));
        Assert.Equal("Truncated", Outcome(tls, "resets"));

        string Outcome(string version, string peer) =>
            run.Row(version, peer, "graceful-eof-tracking").GetProperty("outcome").GetString()!;
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void GracefulTlsClose_over_TlsEngineStream_names_each_peer_behaviour(string tls)
    {
        // TlsEngineStream sees the transport itself: it tells close_notify from FIN without any help.
        Assert.Equal(TlsEngineCase.IsAvailable, run.Rows.Any(r => r.GetProperty("close").GetString() == "graceful-tls-engine"));
        if (!TlsEngineCase.IsAvailable)
        {
            return;
        }

        Assert.Equal("Clean", Outcome("answers-close-notify"));
        Assert.Equal("Truncated", Outcome("closes-tcp-only"));
        Assert.Equal("TimedOut", Outcome("never-answers"));
        Assert.Equal("SendFailed", Outcome("stops-reading"));
        Assert.Equal("DiscardLimitExceeded", Outcome("keeps-sending"));
        Assert.Equal("Truncated", Outcome("resets"));

        string Outcome(string peer) => run.Row(tls, peer, "graceful-tls-engine").GetProperty("outcome").GetString()!;
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void GracefulTlsClose_over_a_bare_SslStream_never_claims_more_than_it_can_see(string tls)
    {
        // Without a tracker a FIN right behind the close_notify can hide it: PeerClosed, never a wrong Clean.
        Assert.Contains(Outcome("answers-close-notify"), new[] { "Clean", "PeerClosed" });
        Assert.Contains(Outcome("closes-tcp-only"), new[] { "Truncated", "PeerClosed" });
        Assert.Contains(Outcome("resets"), new[] { "Truncated", "PeerClosed" });
        Assert.Equal("TimedOut", Outcome("never-answers"));
        Assert.Equal("SendFailed", Outcome("stops-reading"));
        Assert.Equal("DiscardLimitExceeded", Outcome("keeps-sending"));

        string Outcome(string peer) => run.Row(tls, peer, "graceful").GetProperty("outcome").GetString()!;
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void GracefulTlsClose_is_bounded_and_delivers_close_notify_to_every_peer_that_reads(string tls)
    {
        foreach (JsonElement row in run.Rows.Where(r => r.GetProperty("tls").GetString() == tls
            && r.GetProperty("close").GetString()!.StartsWith("graceful", StringComparison.Ordinal)))
        {
            string peer = row.GetProperty("peer").GetString()!;
            double ms = row.GetProperty("elapsedMs").GetDouble();
            Assert.False(row.GetProperty("hung").GetBoolean());
            switch (peer)
            {
                case "stops-reading":
                    Assert.InRange(ms, 2900, 4500); // SendTimeout 3 s
                    Assert.False(row.GetProperty("closeNotifySent").GetBoolean());
                    break;
                case "never-answers":
                    Assert.InRange(ms, 900, 2500); // PeerCloseTimeout 1 s
                    Assert.Equal("close_notify", row.GetProperty("peerSaw").GetString());
                    break;
                case "keeps-sending":
                    Assert.True(row.GetProperty("discardedBytes").GetInt64() > 1024 * 1024);
                    Assert.Equal("close_notify", row.GetProperty("peerSaw").GetString());
                    break;
                default:
                    Assert.InRange(ms, 0, 900);
                    Assert.Equal("close_notify", row.GetProperty("peerSaw").GetString());
                    Assert.True(row.GetProperty("closeNotifySent").GetBoolean());
                    break;
            }
        }
    }

    [Fact]
    public async Task Table_output_lists_every_peer_and_explains_the_result()
    {
        var output = new StringWriter();
        int exit = await ProbeProgram.RunAsync(["--tls", "1.3", "--no-progress"], output, TextWriter.Null, CancellationToken.None);
        string table = output.ToString();
        Assert.Equal(0, exit);
        Assert.Contains("TLS 1.3", table, StringComparison.Ordinal);
        Assert.DoesNotContain("TLS 1.2", table, StringComparison.Ordinal);
        foreach (string column in new[] { "Peer", "Close", "Outcome", "Time", "Discarded", "Peer saw" })
        {
            Assert.Contains(column, table, StringComparison.Ordinal);
        }

        foreach (string peer in new[] { "answers close_notify", "closes TCP only", "never answers", "stops reading", "keeps sending", "resets" })
        {
            Assert.Contains(peer, table, StringComparison.Ordinal);
        }

        Assert.Contains("HUNG (gave up)", table, StringComparison.Ordinal);
        Assert.Contains("Dispose() never sends close_notify", table, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--bogus")]
    [InlineData("--tls", "1.1")]
    [InlineData("--connect", "no-port")]
    [InlineData("--connect")]
    public async Task Bad_arguments_print_usage_and_exit_2(params string[] args)
    {
        var error = new StringWriter();
        int exit = await ProbeProgram.RunAsync(args, TextWriter.Null, error, CancellationToken.None);
        Assert.Equal(2, exit);
        Assert.Contains("Usage: CloseProbe", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_to_a_closed_port_reports_ConnectFailed_and_exits_1()
    {
        // A port nobody listens on: bind one, note it, close it.
        int port;
        using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            port = ((IPEndPoint)probe.LocalEndPoint!).Port;
        }

        var output = new StringWriter();
        int exit = await ProbeProgram.RunAsync(["--connect", $"127.0.0.1:{port}", "--tls", "1.3", "--no-progress"], output, TextWriter.Null, CancellationToken.None);
        Assert.Equal(1, exit);
        Assert.Contains("connect failed", output.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("Peer saw", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_probes_a_server_and_says_how_it_answers_close_notify()
    {
        // A local stand-in for a real server: answers our close_notify with its own, then closes.
        using var certificateKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using X509Certificate2 selfSigned = new CertificateRequest("CN=localhost", certificateKey, HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        using X509Certificate2 certificate = X509CertificateLoader.LoadPkcs12(selfSigned.Export(X509ContentType.Pkcs12), null);
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(16);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        Task server = ServeAsync();

        var output = new StringWriter();
        int port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        int exit = await ProbeProgram.RunAsync(["--connect", $"127.0.0.1:{port}", "--insecure", "--json", "--tls", "1.3"], output, TextWriter.Null, stop.Token);
        await stop.CancelAsync();
        listener.Dispose();
        await server;

        Assert.Equal(0, exit);
        JsonElement report = JsonDocument.Parse(output.ToString()).RootElement;
        Assert.Equal($"127.0.0.1:{port}", report.GetProperty("target").GetString());
        JsonElement tracked = report.GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("close").GetString() == "graceful-eof-tracking");
        Assert.Equal("Clean", tracked.GetProperty("outcome").GetString());
        Assert.Equal("unknown", tracked.GetProperty("peerSaw").GetString());

        async Task ServeAsync()
        {
            var connections = new List<Task>();
            while (true)
            {
                Socket socket;
                try
                {
                    socket = await listener.AcceptAsync(stop.Token);
                }
                catch (Exception)
                {
                    break;
                }

                connections.Add(Task.Run(async () =>
                {
                    using var tls = new SslStream(new NetworkStream(socket, ownsSocket: true));
                    try
                    {
                        await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate }, stop.Token);
                        byte[] buffer = new byte[4096];
                        while (await tls.ReadAsync(buffer, stop.Token) > 0)
                        {
                        }

                        await tls.ShutdownAsync();
                    }
                    catch (Exception)
                    {
                        // A close without close_notify (Dispose) or a reset: nothing to answer.
                    }
                }));
            }

            await Task.WhenAll(connections);
        }
    }
}
