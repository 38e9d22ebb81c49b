using System.Text;

namespace TlsShutdown;

/// <summary>
/// Names of the metrics that <see cref="GracefulTlsClose"/>, <see cref="TlsHandshake"/> and <see cref="TlsEngineStream"/>
/// publish through <see cref="System.Diagnostics.Metrics"/>, and of their tags (OpenTelemetry's attribute names where
/// one exists: <c>tls.protocol.version</c>, <c>tls.resumed</c>, <c>error.type</c>). OpenTelemetry collects them with
/// <c>AddMeter(TlsShutdownMetrics.MeterName)</c>; <c>dotnet-counters monitor --counters TlsShutdown</c> shows them live.
/// </summary>
public static class TlsShutdownMetrics
{
    /// <summary>The meter's name: <c>TlsShutdown</c>.</summary>
    public const string MeterName = "TlsShutdown";

    /// <summary>Counter of closes (unit <c>{close}</c>), tagged with <see cref="OutcomeTag"/> and <see cref="StreamTypeTag"/>.</summary>
    public const string ClosesInstrument = "tlsshutdown.closes";

    /// <summary>Histogram of close durations in seconds, with the same tags as <see cref="ClosesInstrument"/>.</summary>
    public const string CloseDurationInstrument = "tlsshutdown.close.duration";

    /// <summary>Tag holding the outcome in snake case (<c>clean</c>, <c>timed_out</c>, …), or <see cref="CanceledTagValue"/>.</summary>
    public const string OutcomeTag = "tlsshutdown.outcome";

    /// <summary>Tag holding the stream type: <c>SslStream</c> or <c>TlsEngineStream</c>.</summary>
    public const string StreamTypeTag = "tlsshutdown.stream.type";

    /// <summary>Histogram of handshake durations in seconds, successful or not, tagged with <see cref="StreamTypeTag"/>,
    /// <see cref="RoleTag"/>, and on success <see cref="ProtocolVersionTag"/> (and <see cref="ResumedTag"/> for
    /// TlsEngineStream), on failure <see cref="ErrorTypeTag"/>. SslStream handshakes are recorded when they go
    /// through <see cref="TlsHandshake"/>; TlsEngineStream records all of its own.</summary>
    public const string HandshakeDurationInstrument = "tlsshutdown.handshake.duration";

    /// <summary>Up-down counter of handshakes in progress (unit <c>{handshake}</c>), tagged with <see cref="StreamTypeTag"/> and <see cref="RoleTag"/>.</summary>
    public const string HandshakesActiveInstrument = "tlsshutdown.handshakes.active";

    /// <summary>Counter of TLS alerts sent and received by TlsEngineStream (unit <c>{alert}</c>), tagged with
    /// <see cref="AlertDirectionTag"/>, <see cref="AlertLevelTag"/> and <see cref="AlertDescriptionTag"/>.</summary>
    public const string AlertsInstrument = "tlsshutdown.alerts";

    /// <summary>Counter of TLS 1.3 KeyUpdate messages sent and received by TlsEngineStream (unit <c>{key_update}</c>),
    /// tagged with <see cref="DirectionTag"/>.</summary>
    public const string KeyUpdatesInstrument = "tlsshutdown.key_updates";

    /// <summary>Counter of renegotiations a TLS 1.2 peer asked for (unit <c>{renegotiation}</c>), tagged with
    /// <see cref="StreamTypeTag"/> and <see cref="OutcomeTag"/> (<see cref="RefusedTagValue"/>, <c>succeeded</c>, <c>failed</c>).</summary>
    public const string RenegotiationsInstrument = "tlsshutdown.renegotiations";

    /// <summary>Tag holding the side of the handshake: <see cref="ClientTagValue"/> or <see cref="ServerTagValue"/>.</summary>
    public const string RoleTag = "tlsshutdown.role";

    /// <summary>Tag holding the negotiated protocol version on success: <c>1.2</c> or <c>1.3</c> (OpenTelemetry's <c>tls.protocol.version</c>).</summary>
    public const string ProtocolVersionTag = "tls.protocol.version";

    /// <summary>Tag saying whether a TlsEngineStream handshake resumed an earlier session: <see langword="true"/> or
    /// <see langword="false"/> (OpenTelemetry's <c>tls.resumed</c>).</summary>
    public const string ResumedTag = "tls.resumed";

    /// <summary>Tag present on failed handshakes only, holding why (OpenTelemetry's <c>error.type</c>):
    /// <see cref="TimeoutErrorType"/>, <see cref="CanceledTagValue"/>, <see cref="CertificateErrorType"/>,
    /// <see cref="AlertErrorType"/>, <see cref="IOErrorType"/>, or the exception's full type name for anything else.</summary>
    public const string ErrorTypeTag = "error.type";

    /// <summary>Tag holding the direction of an alert: <see cref="SentTagValue"/> or <see cref="ReceivedTagValue"/>.</summary>
    public const string AlertDirectionTag = "tls.alert.direction";

    /// <summary>Tag holding the level of an alert: <c>warning</c> or <c>fatal</c>.</summary>
    public const string AlertLevelTag = "tls.alert.level";

    /// <summary>Tag holding the alert's description by its RFC name: <c>close_notify</c>, <c>bad_certificate</c>, …</summary>
    public const string AlertDescriptionTag = "tls.alert.description";

    /// <summary>Tag holding the direction of a key update: <see cref="SentTagValue"/> or <see cref="ReceivedTagValue"/>.</summary>
    public const string DirectionTag = "tlsshutdown.direction";

    /// <summary>The <see cref="RoleTag"/> value of a client.</summary>
    public const string ClientTagValue = "client";

    /// <summary>The <see cref="RoleTag"/> value of a server.</summary>
    public const string ServerTagValue = "server";

    /// <summary>The <see cref="AlertDirectionTag"/> and <see cref="DirectionTag"/> value of what we sent.</summary>
    public const string SentTagValue = "sent";

    /// <summary>The <see cref="AlertDirectionTag"/> and <see cref="DirectionTag"/> value of what the peer sent.</summary>
    public const string ReceivedTagValue = "received";

    /// <summary>The <see cref="ErrorTypeTag"/> value of a handshake that did not complete within its time limit.</summary>
    public const string TimeoutErrorType = "timeout";

    /// <summary>The <see cref="ErrorTypeTag"/> value of a handshake that failed on a certificate: ours refused the
    /// peer's, or the peer refused ours with a certificate alert.</summary>
    public const string CertificateErrorType = "certificate";

    /// <summary>The <see cref="ErrorTypeTag"/> value of a handshake that failed in the TLS protocol: a fatal alert sent or received.</summary>
    public const string AlertErrorType = "alert";

    /// <summary>The <see cref="ErrorTypeTag"/> value of a handshake whose transport failed or ended.</summary>
    public const string IOErrorType = "io";

    /// <summary>The <see cref="OutcomeTag"/> value of a renegotiation request that was refused.</summary>
    public const string RefusedTagValue = "refused";

    /// <summary>The <see cref="OutcomeTag"/> value of a close ended by its cancellation token, and the
    /// <see cref="ErrorTypeTag"/> value of a handshake ended by the caller's token.</summary>
    public const string CanceledTagValue = "canceled";

    /// <summary>The <see cref="OutcomeTag"/> value for <paramref name="outcome"/>: its name in snake case.</summary>
    /// <param name="outcome">An outcome.</param>
    /// <returns>For example <c>discard_limit_exceeded</c> for <see cref="TlsCloseOutcome.DiscardLimitExceeded"/>.</returns>
    public static string OutcomeTagValue(TlsCloseOutcome outcome)
    {
        string name = outcome.ToString();
        var snake = new StringBuilder(name.Length + 4);
        foreach (char c in name)
        {
            if (char.IsUpper(c) && snake.Length > 0)
            {
                snake.Append('_');
            }

            snake.Append(char.ToLowerInvariant(c));
        }

        return snake.ToString();
    }
}
