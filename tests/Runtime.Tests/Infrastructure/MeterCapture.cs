using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace TlsShutdown.Tests.Infrastructure;

/// <summary>Every measurement of the <see cref="TlsShutdownMetrics.MeterName"/> meter while it lives, with all its tags.
/// The meter is process-wide: tests that use it run in the <see cref="ProcessWideCollection"/>.</summary>
public sealed class MeterCapture : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<MeterMeasurement> _measurements = new();

    public MeterCapture()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == TlsShutdownMetrics.MeterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    /// <summary>The measurements of <paramref name="instrument"/> so far, in order.</summary>
    public MeterMeasurement[] Of(string instrument) => _measurements.Where(m => m.Instrument == instrument).ToArray();

    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new SortedDictionary<string, object?>(StringComparer.Ordinal);
        foreach (KeyValuePair<string, object?> tag in tags)
        {
            copy[tag.Key] = tag.Value;
        }

        _measurements.Enqueue(new MeterMeasurement(instrument.Name, value, copy));
    }
}

/// <summary>One measurement: the instrument, the value and the tags.</summary>
public sealed record MeterMeasurement(string Instrument, double Value, IReadOnlyDictionary<string, object?> Tags)
{
    /// <summary>The tags as "key=value" strings in key order, for readable assertions.</summary>
    public string[] TagStrings => Tags.Select(t => $"{t.Key}={t.Value}").ToArray();

    public object? this[string tag] => Tags.TryGetValue(tag, out object? value) ? value : null;
}
