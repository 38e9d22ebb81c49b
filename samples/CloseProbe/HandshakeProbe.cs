using System.Diagnostics;
using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using CloseProbe.Peers;
using TlsShutdown;

namespace CloseProbe;

/// <summary>How the probe runs a handshake.</summary>
internal enum HandshakeMethod
{
    /// <summary><c>SslStream.AuthenticateAsClientAsync(options)</c>: no token, no limit.</summary>
    Plain,

    /// <summary><c>TlsHandshake.AuthenticateAsClientAsync(SslStream, …)</c> with the probe's limit.</summary>
    BoundedSslStream,

    /// <summary><c>TlsHandshake.AuthenticateAsClientAsync(TlsEngineStream, …)</c> with the probe's limit.</summary>
    BoundedEngine,
}

/// <summary>One row of the handshake table.</summary>
internal sealed record HandshakeRow(string Tls, string Peer, string Handshake, string Outcome, double TimeMs, string? Error);

/// <summary>The handshake run, printed as a table or as JSON.</summary>
internal sealed record HandshakeReport(string Tool, string Mode, double LimitMs, double PatienceMs, IReadOnlyList<HandshakeRow> Rows);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(HandshakeReport))]
internal sealed partial class HandshakeJsonContext : JsonSerializerContext;

/// <summary>
/// <c>--handshake</c>: handshakes against embedded peers that stall, answer with a fatal alert, or ask to
/// renegotiate, each run plainly (no limit), through <see cref="TlsHandshake"/> with SslStream, and with
/// TlsEngineStream; the outcome and the time of each.
/// </summary>
internal static class HandshakeProbe
{
    /// <summary>The limit given to TlsHandshake here: short, so that the run is quick (its default is 10 s).</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(2);

    /// <summary>How long a call with no limit of its own may run before the probe gives up on it (HUNG).</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    public const string Hung = "HUNG";

    public static async Task<HandshakeReport> RunAsync(IReadOnlyList<SslProtocols> versions, CancellationToken cancellationToken)
    {
        var cases = new List<(SslProtocols Tls, HandshakeBehavior Peer, HandshakeMethod Method)>();
        foreach (SslProtocols tls in versions)
        {
            foreach (HandshakeBehavior peer in Enum.GetValues<HandshakeBehavior>())
            {
                // Renegotiation exists in TLS 1.2 only.
                if (peer == HandshakeBehavior.RequestsRenegotiation && tls != SslProtocols.Tls12)
                {
                    continue;
                }

                foreach (HandshakeMethod method in Enum.GetValues<HandshakeMethod>())
                {
                    cases.Add((tls, peer, method));
                }
            }
        }

        var peers = new Dictionary<(HandshakeBehavior, SslProtocols), HandshakePeer>();
        foreach ((SslProtocols tls, HandshakeBehavior peer, _) in cases)
        {
            if (!peers.ContainsKey((peer, tls)))
            {
                peers[(peer, tls)] = new HandshakePeer(peer, tls);
            }
        }

        try
        {
            // All at once: the run takes about as long as its slowest case (a hung call, given up after Patience).
            HandshakeRow[] rows = await Task.WhenAll(cases.Select(c => RunCaseAsync(c.Tls, c.Peer, c.Method, peers[(c.Peer, c.Tls)].Port, cancellationToken))).ConfigureAwait(false);
            return new HandshakeReport("CloseProbe", "handshake", Limit.TotalMilliseconds, Patience.TotalMilliseconds, rows);
        }
        finally
        {
            foreach (HandshakePeer peer in peers.Values)
            {
                await peer.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    public static string ToJson(HandshakeReport report) => JsonSerializer.Serialize(report, HandshakeJsonContext.Default.HandshakeReport);

    public static string ToTable(HandshakeReport report)
    {
        var text = new StringBuilder();
        string[] header = ["Peer", "Handshake", "Outcome", "Time"];
        foreach (IGrouping<string, HandshakeRow> version in report.Rows.GroupBy(r => r.Tls))
        {
            var cells = new List<string[]>();
            string? previous = null;
            foreach (HandshakeRow row in version)
            {
                cells.Add([row.Peer == previous ? "" : PeerDisplay(row.Peer), MethodDisplay(row.Handshake), OutcomeDisplay(row), TimeDisplay(row)]);
                previous = row.Peer;
            }

            int[] widths = header.Select((h, i) => Math.Max(h.Length, cells.Max(c => c[i].Length))).ToArray();
            text.AppendLine(CultureInfo.InvariantCulture, $"TLS {version.Key}");
            Append(text, header, widths);
            Append(text, widths.Select(w => new string('-', w)).ToArray(), widths);
            previous = null;
            foreach ((string[] cell, HandshakeRow row) in cells.Zip(version))
            {
                if (previous is not null && row.Peer != previous)
                {
                    text.AppendLine();
                }

                Append(text, cell, widths);
                previous = row.Peer;
            }

            text.AppendLine();
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"TlsHandshake limit {Limit.TotalSeconds:0.#} s here (default {TlsHandshake.DefaultTimeout.TotalSeconds:0} s); a call with no limit is given up after {Patience.TotalSeconds:0} s (HUNG).");
        return text.ToString();
    }

    private static async Task<HandshakeRow> RunCaseAsync(SslProtocols tls, HandshakeBehavior peer, HandshakeMethod method, int port, CancellationToken cancellationToken)
    {
        string version = tls == SslProtocols.Tls13 ? "1.3" : "1.2";
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, port), cancellationToken).ConfigureAwait(false);
        var transport = new NetworkStream(socket, ownsSocket: true);
        Stream stream = method == HandshakeMethod.BoundedEngine ? new TlsEngineStream(transport) : new SslStream(transport);
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            EnabledSslProtocols = tls,
            RemoteCertificateValidationCallback = static (_, certificate, _, _) => ProbeCertificate.IsOurs(certificate),
        };

        var clock = Stopwatch.StartNew();
        string outcome;
        string? error = null;
        await using (stream.ConfigureAwait(false))
        {
            Task session = RunSessionAsync(stream, method, options, peer, cancellationToken);
            if (await Task.WhenAny(session, Task.Delay(Patience, cancellationToken)).ConfigureAwait(false) != session)
            {
                outcome = Hung;
                await stream.DisposeAsync().ConfigureAwait(false);
                _ = session.ContinueWith(static t => _ = t.Exception, TaskScheduler.Default);
            }
            else
            {
                try
                {
                    await session.ConfigureAwait(false);
                    outcome = peer == HandshakeBehavior.RequestsRenegotiation ? "Renegotiated" : "Connected";
                }
                catch (Exception failure)
                {
                    outcome = failure.GetType().Name;
                    error = Describe(failure);
                }
            }
        }

        return new HandshakeRow(version, Key(peer), Key(method), outcome, clock.Elapsed.TotalMilliseconds, error);
    }

    /// <summary>The handshake, then (for the renegotiating peer) the reads that meet its HelloRequest.</summary>
    private static async Task RunSessionAsync(Stream stream, HandshakeMethod method, SslClientAuthenticationOptions options, HandshakeBehavior peer, CancellationToken cancellationToken)
    {
        switch (stream, method)
        {
            case (SslStream ssl, HandshakeMethod.Plain):
                await ssl.AuthenticateAsClientAsync(options).ConfigureAwait(false);
                break;
            case (SslStream ssl, _):
                await TlsHandshake.AuthenticateAsClientAsync(ssl, options, Limit, cancellationToken).ConfigureAwait(false);
                break;
            case (TlsEngineStream engine, _):
                await TlsHandshake.AuthenticateAsClientAsync(engine, options, Limit, cancellationToken).ConfigureAwait(false);
                break;
        }

        if (peer == HandshakeBehavior.RequestsRenegotiation)
        {
            // The peer's first byte, then its second, sent after the renegotiation it asks for.
            var buffer = new byte[2];
            int received = 0;
            while (received < 2)
            {
                int read = await stream.ReadAsync(buffer.AsMemory(received), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    throw new IOException("The peer closed the connection.");
                }

                received += read;
            }
        }
    }

    /// <summary>The exception's message and its inner ones' (SslStream names an alert only in an inner exception).</summary>
    private static string Describe(Exception failure)
    {
        var messages = new List<string>();
        for (Exception? e = failure; e is not null; e = e.InnerException)
        {
            messages.Add(e.Message);
        }

        return string.Join(" -> ", messages);
    }

    private static string Key<T>(T value) where T : struct, Enum =>
        string.Concat(value.ToString()!.Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    private static string PeerDisplay(string key) => key switch
    {
        "stalls" => "stalls the handshake",
        "sends-fatal-alert" => "answers a fatal alert",
        "requests-renegotiation" => "asks to renegotiate",
        _ => key,
    };

    private static string MethodDisplay(string key) => key switch
    {
        "plain" => "AuthenticateAsClientAsync(options)",
        "bounded-ssl-stream" => "TlsHandshake(SslStream)",
        "bounded-engine" => "TlsHandshake(TlsEngineStream)",
        _ => key,
    };

    private static string OutcomeDisplay(HandshakeRow row) => row.Outcome switch
    {
        Hung => "HUNG (gave up)",
        _ when row.Error is { } error && row.Outcome == nameof(IOException) && error.Contains("renegotiation", StringComparison.Ordinal) =>
            "IOException: peer required renegotiation",
        _ when row.Error is { } error && (error.Contains("fatal alert (", StringComparison.Ordinal) || error.Contains(" alert ", StringComparison.Ordinal)) =>
            $"{row.Outcome}: {AlertName(error)}",
        _ => row.Outcome,
    };

    /// <summary>The alert's RFC name: TlsEngineStream's "fatal alert (protocol_version(70))", OpenSSL's "tlsv1 alert protocol version".</summary>
    private static string AlertName(string error)
    {
        int open = error.IndexOf("fatal alert (", StringComparison.Ordinal);
        if (open >= 0)
        {
            int start = open + "fatal alert (".Length;
            int end = error.IndexOf('(', start);
            return end > start ? error[start..end] : "fatal alert";
        }

        int alert = error.LastIndexOf(" alert ", StringComparison.Ordinal);
        return error[(alert + " alert ".Length)..].Trim().Replace(' ', '_');
    }

    private static string TimeDisplay(HandshakeRow row) => row.Outcome == Hung
        ? $">{Patience.TotalSeconds:0.00} s"
        : row.TimeMs >= 1000 ? $"{row.TimeMs / 1000:0.00} s" : $"{row.TimeMs:0.0} ms";

    private static void Append(StringBuilder text, string[] cells, int[] widths) =>
        text.AppendLine(string.Join("  ", cells.Select((c, i) => c.PadRight(widths[i]))).TrimEnd());
}
