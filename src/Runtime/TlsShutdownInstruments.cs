using System.Diagnostics.Metrics;

namespace TlsShutdown;

/// <summary>
/// The <see cref="TlsShutdownMetrics.MeterName"/> meter and every instrument in it, in one place: the closes, the
/// handshakes and TlsEngineStream's events record through these. Names and tags are in <see cref="TlsShutdownMetrics"/>.
/// </summary>
internal static class TlsShutdownInstruments
{
    private static readonly Meter Meter = new(
        TlsShutdownMetrics.MeterName,
        typeof(TlsShutdownInstruments).Assembly.GetName().Version?.ToString());

    public static readonly Counter<long> Closes = Meter.CreateCounter<long>(
        TlsShutdownMetrics.ClosesInstrument,
        unit: "{close}",
        description: "TLS connections closed by GracefulTlsClose, by outcome.");

    public static readonly Histogram<double> CloseDuration = Meter.CreateHistogram<double>(
        TlsShutdownMetrics.CloseDurationInstrument,
        unit: "s",
        description: "Time GracefulTlsClose took to close a TLS connection.");

    public static readonly Histogram<double> HandshakeDuration = Meter.CreateHistogram<double>(
        TlsShutdownMetrics.HandshakeDurationInstrument,
        unit: "s",
        description: "Time a TLS handshake took, successful or not (TlsHandshake, and every TlsEngineStream handshake).");

    public static readonly UpDownCounter<long> HandshakesActive = Meter.CreateUpDownCounter<long>(
        TlsShutdownMetrics.HandshakesActiveInstrument,
        unit: "{handshake}",
        description: "TLS handshakes in progress.");

    public static readonly Counter<long> Alerts = Meter.CreateCounter<long>(
        TlsShutdownMetrics.AlertsInstrument,
        unit: "{alert}",
        description: "TLS alerts sent and received by TlsEngineStream.");

    public static readonly Counter<long> KeyUpdates = Meter.CreateCounter<long>(
        TlsShutdownMetrics.KeyUpdatesInstrument,
        unit: "{key_update}",
        description: "TLS 1.3 KeyUpdate messages sent and received by TlsEngineStream.");

    public static readonly Counter<long> Renegotiations = Meter.CreateCounter<long>(
        TlsShutdownMetrics.RenegotiationsInstrument,
        unit: "{renegotiation}",
        description: "TLS 1.2 renegotiations the peer asked for, by outcome.");
}
