using System.Net.Sockets;
using System.Security.Authentication;
using TlsShutdown.Tests.Infrastructure;
using static TlsShutdown.Tests.Interop.InteropConnections;
using static TlsShutdown.Tests.Interop.OpenSslInteropTests;

namespace TlsShutdown.Tests.Interop;

/// <summary>
/// Every TLS 1.3 KeyUpdate TlsEngineStream receives and sends is counted in <see cref="TlsShutdownMetrics.KeyUpdatesInstrument"/>,
/// against OpenSSL, the peer that sends them on command ("k": update_not_requested, "K": update_requested, which the
/// engine answers with its own KeyUpdate before its next record).
/// </summary>
[Collection(ProcessWideCollection.Name)]
public sealed class KeyUpdateMetricsTests : IDisposable
{
    private readonly MeterCapture _meter = new();

    public void Dispose() => _meter.Dispose();

    [InteropFact(InteropTools.OpenSsl)]
    public async Task EngineClient_counts_each_KeyUpdate_received_and_the_answers_it_sends()
    {
        using ToolProcess server = await StartServerAsync(SslProtocols.Tls13, "ECDSA", out int port, "-msg");
        await using TlsEngineStream client = await ConnectEngineAsync(port, SslProtocols.Tls13);
        await WriteLineAsync(client, "hello");
        await server.WaitForOutputAsync("hello");

        // s_server takes a command only at the start of what it reads: wait until it acted before the next line.
        // -msg prints each KeyUpdate's bytes: 18 00 00 01, then 00 (update_not_requested) or 01 (update_requested).
        await server.WriteLineAsync("k");
        await server.WaitForOutputAsync("18 00 00 01 00");
        await server.WriteLineAsync("one");
        await ReadUntilAsync(client, "one\n");
        await WriteLineAsync(client, "not-answered");
        await server.WaitForOutputAsync("not-answered");
        Assert.Equal(("received=1", "sent=0"), Counts());

        await server.WriteLineAsync("K");
        await server.WaitForOutputAsync("18 00 00 01 01");
        await server.WriteLineAsync("two");
        await ReadUntilAsync(client, "two\n");
        await WriteLineAsync(client, "answered");
        await server.WaitForOutputAsync("answered");
        Assert.Equal(("received=2", "sent=1"), Counts());

        Assert.Equal(TlsCloseOutcome.Clean, (await CloseAsync(client)).Outcome);
    }

    [InteropTheory(InteropTools.OpenSsl)]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    public async Task A_long_session_with_KeyUpdates_every_nth_exchange_keeps_the_data_and_counts_each(int every)
    {
        using ToolProcess server = await StartServerAsync(SslProtocols.Tls13, "ECDSA", out int port);
        await using TlsEngineStream client = await ConnectEngineAsync(port, SslProtocols.Tls13);
        int requested = 0;
        int notRequested = 0;
        for (int i = 0; i < 30; i++)
        {
            if (i % every == 0)
            {
                // Alternately k (update_not_requested) and K (update_requested, which the engine answers before its
                // next record). s_server reads its terminal before the connection, so once it has printed our next
                // line the command was taken.
                bool request = (i / every) % 2 == 1;
                await server.WriteLineAsync(request ? "K" : "k");
                _ = request ? requested++ : notRequested++;
            }

            await WriteLineAsync(client, $"from-engine-{i}");
            await server.WaitForOutputAsync($"from-engine-{i}");
            await server.WriteLineAsync($"from-openssl-{i}");
            Assert.Equal($"from-openssl-{i}\n", await ReadUntilAsync(client, $"from-openssl-{i}\n"));
        }

        await WriteLineAsync(client, "last");
        await server.WaitForOutputAsync("last");
        Assert.Equal(($"received={requested + notRequested}", $"sent={requested}"), Counts());
        Assert.Equal(TlsCloseOutcome.Clean, (await CloseAsync(client)).Outcome);
    }

    [InteropFact(InteropTools.OpenSsl)]
    public async Task EngineServer_counts_a_requested_KeyUpdate_and_its_answer()
    {
        using TcpListener listener = Listen();
        using ToolProcess client = StartClient(Port(listener), SslProtocols.Tls13, InteropPki.CertificateFile("RSA"));
        await using TlsEngineStream server = await AcceptEngineAsync(listener, SslProtocols.Tls13, "RSA");
        await client.WaitForOutputAsync("Verify return code: 0 (ok)");

        await client.WriteLineAsync("K");
        await client.WaitForOutputAsync("KEYUPDATE");
        await client.WriteLineAsync("after-update");
        await ReadUntilAsync(server, "after-update\n");
        Assert.Equal(("received=1", "sent=0"), Counts());

        await WriteLineAsync(server, "answered");
        await client.WaitForOutputAsync("answered");
        Assert.Equal(("received=1", "sent=1"), Counts());
    }

    private (string Received, string Sent) Counts()
    {
        MeterMeasurement[] updates = _meter.Of(TlsShutdownMetrics.KeyUpdatesInstrument);
        Assert.All(updates, m => Assert.Equal(1, m.Value));
        return ($"received={updates.Count(m => (string?)m[TlsShutdownMetrics.DirectionTag] == "received")}",
            $"sent={updates.Count(m => (string?)m[TlsShutdownMetrics.DirectionTag] == "sent")}");
    }
}
