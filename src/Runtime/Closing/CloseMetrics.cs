using System.Diagnostics;

namespace TlsShutdown.Closing;

/// <summary>Records every close in the <see cref="TlsShutdownMetrics.MeterName"/> meter.</summary>
internal static class CloseMetrics
{
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
        if (!TlsShutdownInstruments.Closes.Enabled && !TlsShutdownInstruments.CloseDuration.Enabled)
        {
            return;
        }

        var tags = new TagList
        {
            { TlsShutdownMetrics.OutcomeTag, outcome },
            { TlsShutdownMetrics.StreamTypeTag, streamType },
        };
        TlsShutdownInstruments.Closes.Add(1, tags);
        TlsShutdownInstruments.CloseDuration.Record(elapsed.TotalSeconds, tags);
    }
}
