using System.Text;

namespace TlsShutdown;

/// <summary>
/// Names of the metrics that <see cref="GracefulTlsClose"/> publishes through
/// <see cref="System.Diagnostics.Metrics"/>. OpenTelemetry collects them with
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

    /// <summary>The <see cref="OutcomeTag"/> value of a close ended by its cancellation token.</summary>
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
