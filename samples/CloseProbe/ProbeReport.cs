using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using TlsShutdown;

namespace CloseProbe;

/// <summary>The whole run: printed as a table, or as JSON with <c>--json</c>.</summary>
internal sealed record ProbeReport
{
    public string Tool { get; init; } = "CloseProbe";

    /// <summary><c>embedded</c>, or the <c>host:port</c> given to <c>--connect</c>.</summary>
    public required string Target { get; init; }

    public required DateTimeOffset StartedUtc { get; init; }

    /// <summary>The bounds GracefulTlsClose used (its defaults).</summary>
    public CloseBounds Bounds { get; init; } = new();

    /// <summary>How long the probe let ShutdownAsync run before it gave up on it.</summary>
    public double PatienceMs { get; init; } = Prober.Patience.TotalMilliseconds;

    public required IReadOnlyList<ProbeRow> Rows { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this, ProbeJsonContext.Default.ProbeReport);

    public string ToTable()
    {
        var text = new StringBuilder();
        // A real server's side cannot be observed: no "Peer saw" column for --connect.
        bool observed = Rows.Any(r => r.PeerSaw != Names.Key(PeerSaw.Unknown));
        string[] header = observed
            ? ["Peer", "Close", "Outcome", "Time", "Discarded", "Peer saw"]
            : ["Server", "Close", "Outcome", "Time", "Discarded"];
        foreach (IGrouping<string, ProbeRow> version in Rows.GroupBy(r => r.Tls))
        {
            var cells = new List<string[]>();
            string? previousPeer = null;
            foreach (ProbeRow row in version)
            {
                string[] cell =
                [
                    row.Peer == previousPeer ? "" : PeerDisplay(row.Peer),
                    MethodDisplay(row.Close),
                    OutcomeCell(row),
                    TimeCell(row),
                    row.DiscardedBytes is long d ? Bytes(d) : "-",
                    SawDisplay(row.PeerSaw),
                ];
                cells.Add(observed ? cell : cell[..^1]);
                previousPeer = row.Peer;
            }

            int[] widths = header.Select((h, i) => Math.Max(h.Length, cells.Max(c => c[i].Length))).ToArray();
            text.AppendLine(CultureInfo.InvariantCulture, $"TLS {version.Key}");
            AppendLine(text, header, widths);
            AppendLine(text, widths.Select(w => new string('-', w)).ToArray(), widths);
            previousPeer = null;
            foreach ((string[] cell, ProbeRow row) in cells.Zip(version))
            {
                if (previousPeer is not null && row.Peer != previousPeer)
                {
                    text.AppendLine();
                }

                AppendLine(text, cell, widths);
                previousPeer = row.Peer;
            }

            text.AppendLine();
        }

        if (Target == "embedded")
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"""
                Dispose() never sends close_notify: the peer sees a FIN (or a reset) that it cannot tell from a truncation attack.
                ShutdownAsync() sends it but has no timeout: against a peer that stops reading it never completes (given up after {PatienceMs / 1000:0} s).
                GracefulTlsClose sends it within {Bounds.SendTimeoutMs / 1000:0} s, waits at most {Bounds.PeerCloseTimeoutMs / 1000:0} s for the peer's, drops at most {Bounds.MaxDiscardBytes / 1024 / 1024} MiB, and reports how it ended;
                with an EofTrackingStream under the SslStream, or over TlsEngineStream, it can tell Clean from Truncated.
                """);
        }
        else
        {
            text.AppendLine(Verdict());
        }

        return text.ToString();
    }

    /// <summary>For a real server: how it answers close_notify, from the closes that can tell.</summary>
    private string Verdict()
    {
        var lines = new StringBuilder();
        foreach (ProbeRow row in Rows.Where(r => r.Close is "graceful-eof-tracking"))
        {
            string answer = row.Outcome switch
            {
                nameof(TlsCloseOutcome.Clean) => "answers our close_notify with its own (a clean close)",
                nameof(TlsCloseOutcome.Truncated) => "closes the connection without a close_notify of its own (most servers do)",
                nameof(TlsCloseOutcome.PeerClosed) => "closes the connection (whether it sent close_notify could not be observed)",
                nameof(TlsCloseOutcome.TimedOut) => $"does not answer our close_notify within {Bounds.PeerCloseTimeoutMs / 1000:0} s",
                nameof(TlsCloseOutcome.DiscardLimitExceeded) => "keeps sending data after our close_notify",
                nameof(TlsCloseOutcome.SendFailed) => "does not accept our close_notify (the send failed)",
                nameof(TlsCloseOutcome.ProtocolError) => "answers our close_notify with something that is not valid TLS",
                "ConnectFailed" => $"could not be reached over TLS {row.Tls}: {row.Error}",
                _ => $"ends as {row.Outcome}",
            };
            lines.AppendLine(CultureInfo.InvariantCulture, $"TLS {row.Tls}: {Target} {answer}.");
        }

        return lines.ToString();
    }

    private static void AppendLine(StringBuilder text, string[] cells, int[] widths)
    {
        for (int i = 0; i < cells.Length; i++)
        {
            text.Append(i == cells.Length - 1 ? cells[i] : cells[i].PadRight(widths[i] + 2));
        }

        text.AppendLine();
    }

    private static string OutcomeCell(ProbeRow row) => row switch
    {
        { Hung: true } => "HUNG (gave up)",
        { Outcome: "ConnectFailed" } => "connect failed",
        { Outcome: string outcome } => outcome,
        { Error: not null } => "threw " + row.Error.Split(':', 2)[0],
        _ => "(none reported)",
    };

    private static string TimeCell(ProbeRow row) => row.Outcome == "ConnectFailed"
        ? "-"
        : (row.Hung ? ">" : "") + (row.ElapsedMs < 1000
            ? string.Create(CultureInfo.InvariantCulture, $"{row.ElapsedMs:0.0} ms")
            : string.Create(CultureInfo.InvariantCulture, $"{row.ElapsedMs / 1000:0.00} s"));

    private static string Bytes(long bytes) => bytes switch
    {
        < 1024 => bytes.ToString(CultureInfo.InvariantCulture),
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.#} KiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0 / 1024:0.##} MiB"),
    };

    private static string PeerDisplay(string key) =>
        Enum.GetValues<PeerBehavior>().FirstOrDefault(p => Names.Key(p) == key) is var p && Names.Key(p) == key ? Names.Display(p) : key;

    private static string MethodDisplay(string key) =>
        Enum.GetValues<CloseMethod>().First(m => Names.Key(m) == key) is var m ? Names.Display(m) : key;

    private static string SawDisplay(string key) =>
        Enum.GetValues<PeerSaw>().First(s => Names.Key(s) == key) is var s ? Names.Display(s) : key;
}

/// <summary>GracefulTlsClose's bounds, as used by the probe.</summary>
internal sealed record CloseBounds
{
    public double SendTimeoutMs { get; init; } = TlsCloseOptions.Default.SendTimeout.TotalMilliseconds;

    public double PeerCloseTimeoutMs { get; init; } = TlsCloseOptions.Default.PeerCloseTimeout.TotalMilliseconds;

    public long MaxDiscardBytes { get; init; } = TlsCloseOptions.Default.MaxDiscardBytes;
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true)]
[JsonSerializable(typeof(ProbeReport))]
internal sealed partial class ProbeJsonContext : JsonSerializerContext;
