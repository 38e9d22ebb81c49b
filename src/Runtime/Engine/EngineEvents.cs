using System.Diagnostics;
using Org.BouncyCastle.Tls;

namespace TlsShutdown.Engine;

/// <summary>
/// What happens on a TlsEngineStream connection between the handshake and the close, counted in the meter:
/// alerts sent and received (<see cref="TlsShutdownMetrics.AlertsInstrument"/>), TLS 1.3 KeyUpdates
/// (<see cref="TlsShutdownMetrics.KeyUpdatesInstrument"/>) and refused renegotiations
/// (<see cref="TlsShutdownMetrics.RenegotiationsInstrument"/>). One instance per connection, owned by its protocol;
/// the engine calls it under the stream's engine lock.
/// </summary>
/// <remarks>
/// BouncyCastle never renegotiates: it answers a TLS 1.2 HelloRequest (or a client's new ClientHello) with a
/// no_renegotiation warning, the refusal RFC 5246 §7.4.1.1 allows, and most peers then fail the connection. The
/// failure that follows names the refusal as its cause (<see cref="Explain"/>).
/// </remarks>
internal sealed class EngineEvents
{
    /// <summary>Whether the peer asked for a renegotiation that the engine refused.</summary>
    public bool RenegotiationRefused { get; private set; }

    /// <summary>An alert the engine queued for the peer (the peer classes call this from NotifyAlertRaised).</summary>
    public static void AlertSent(short level, short description) => RecordAlert(TlsShutdownMetrics.SentTagValue, level, description);

    /// <summary>An alert the peer sent (from NotifyAlertReceived).</summary>
    public static void AlertReceived(short level, short description) => RecordAlert(TlsShutdownMetrics.ReceivedTagValue, level, description);

    /// <summary>A KeyUpdate the engine sent: its own near the record limit, or the answer to the peer's request.</summary>
    public static void KeyUpdateSent() => RecordKeyUpdate(TlsShutdownMetrics.SentTagValue);

    /// <summary>A KeyUpdate the peer sent.</summary>
    public static void KeyUpdateReceived() => RecordKeyUpdate(TlsShutdownMetrics.ReceivedTagValue);

    /// <summary>The peer asked for a renegotiation; the engine refuses it.</summary>
    public void OnRenegotiationRefused()
    {
        RenegotiationRefused = true;
        if (TlsShutdownInstruments.Renegotiations.Enabled)
        {
            TlsShutdownInstruments.Renegotiations.Add(1, new TagList
            {
                { TlsShutdownMetrics.StreamTypeTag, nameof(TlsEngineStream) },
                { TlsShutdownMetrics.OutcomeTag, TlsShutdownMetrics.RefusedTagValue },
            });
        }
    }

    /// <summary>
    /// The failure to report for <paramref name="failure"/>: after a refused renegotiation, one that says the peer
    /// required renegotiation (a truncation stays a <see cref="TlsTruncationException"/>); otherwise <paramref name="failure"/>.
    /// </summary>
    public Exception Explain(Exception failure)
    {
        if (!RenegotiationRefused)
        {
            return failure;
        }

        const string Cause = "The peer required renegotiation (TLS 1.2), which TlsEngineStream does not support: the engine refused it with a no_renegotiation alert";
        return failure is TlsTruncationException
            ? new TlsTruncationException($"{Cause}, and the peer then closed the connection without close_notify.", failure)
            : new IOException($"{Cause}, and the peer then failed the connection ({failure.Message}).", failure);
    }

    private static void RecordAlert(string direction, short level, short description)
    {
        if (TlsShutdownInstruments.Alerts.Enabled)
        {
            TlsShutdownInstruments.Alerts.Add(1, new TagList
            {
                { TlsShutdownMetrics.AlertDirectionTag, direction },
                { TlsShutdownMetrics.AlertLevelTag, AlertLevel.GetName(level) },
                { TlsShutdownMetrics.AlertDescriptionTag, AlertDescription.GetName(description) },
            });
        }
    }

    private static void RecordKeyUpdate(string direction)
    {
        if (TlsShutdownInstruments.KeyUpdates.Enabled)
        {
            TlsShutdownInstruments.KeyUpdates.Add(1, new TagList { { TlsShutdownMetrics.DirectionTag, direction } });
        }
    }
}
