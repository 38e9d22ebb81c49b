using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace TlsShutdown.Closing;

/// <summary>Records every close in the <see cref="TlsShutdownMetrics.MeterName"/> meter.</summary>
internal static class CloseMetrics
{
    private static readonly Meter Meter = new(
        TlsShutdownMetrics.MeterName,
        typeof(CloseMetrics).Assembly.GetName().Version?.ToString());

    private static readonly Counter<long> Closes = Meter.CreateCounter<long>(
        TlsShutdownMetrics.ClosesInstrument,
        unit: "{close}",
        description: "TLS connections closed by GracefulTlsClose, by outcome.");

    private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>(
        TlsShutdownMetrics.CloseDurationInstrument,
        unit: "s",
        description: "Time GracefulTlsClose took to close a TLS connection.");

    // Tag values are fixed strings so that recording a close allocates nothing.
    private static readonly string[] OutcomeNames = Enum.GetValues<TlsCloseOutcome>()
        .Select(TlsShutdownMetrics.OutcomeTagValue)
        .ToArray();

    public static void Record(string streamType, TlsCloseOutcome outcome, TimeSpan elapsed) =>
        Record(streamType, OutcomeNames[(int)outcome], elapsed);

    public static void RecordCanceled(string streamType, TimeSpan elapsed) =>
        Record(streamType, TlsShutdownMetrics.CanceledTagValue, elapsed);

    private static void Record(string streamType, string outcome, TimeSpan elapsed)
    {
        if (!Closes.Enabled && !Duration.Enabled)
        {
            return;
        }

        var tags = new TagList
        {
            { TlsShutdownMetrics.OutcomeTag, outcome },
            { TlsShutdownMetrics.StreamTypeTag, streamType },
        };
        Closes.Add(1, tags);
        Duration.Record(elapsed.TotalSeconds, tags);
    }
}
