using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Security.Authentication;
using TlsShutdown.Tests.Infrastructure;

namespace TlsShutdown.Tests;

/// <summary>The <see cref="TlsShutdownMetrics.MeterName"/> meter reports every close, with its outcome and duration.</summary>
[Collection(ProcessWideCollection.Name)]
public sealed class MetricsTests : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<Measurement> _measurements = new();

    public MetricsTests()
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

    public void Dispose() => _listener.Dispose();

    [Fact]
    public async Task EachClose_IsCountedOnce_WithItsOutcomeAndDuration()
    {
        var results = new List<TlsCloseResult>
        {
            await CloseAsync(PeerBehavior.AnswersCloseNotifyKeepsOpen, new()),
            await CloseAsync(PeerBehavior.NeverAnswers, new() { PeerCloseTimeout = TimeSpan.FromMilliseconds(100) }),
            await CloseAsync(PeerBehavior.FloodsWithoutEnd, new() { MaxDiscardBytes = 0 }),
            await CloseAsync(PeerBehavior.SendsGarbage, new()),
            await CloseAsync(PeerBehavior.AnswersCloseNotify, new() { PeerCloseTimeout = TimeSpan.Zero }),
            await CloseAsync(PeerBehavior.AnswersCloseNotify, new(), authenticate: false),
        };
        Assert.Equal(
            [TlsCloseOutcome.Clean, TlsCloseOutcome.TimedOut, TlsCloseOutcome.DiscardLimitExceeded, TlsCloseOutcome.ProtocolError, TlsCloseOutcome.NotAwaited, TlsCloseOutcome.NotConnected],
            results.Select(r => r.Outcome));

        // One count and one duration per close, in order, tagged with what the result says.
        Measurement[] expected = results
            .SelectMany(r => new[]
            {
                new Measurement(TlsShutdownMetrics.ClosesInstrument, 1, TlsShutdownMetrics.OutcomeTagValue(r.Outcome), "SslStream"),
                new Measurement(TlsShutdownMetrics.CloseDurationInstrument, r.Elapsed.TotalSeconds, TlsShutdownMetrics.OutcomeTagValue(r.Outcome), "SslStream"),
            })
            .ToArray();
        Assert.Equal(expected, _measurements.ToArray());
    }

    [Fact]
    public async Task CanceledClose_IsCountedAsCanceled()
    {
        await using var connection = await SslStreamZooConnection.OpenAsync(PeerBehavior.NeverAnswers, SslProtocols.Tls13, tracked: true);
        using var cancellation = new CancellationTokenSource();
        Task<TlsCloseResult> close = GracefulTlsClose.CloseAsync(connection.Tls, new() { PeerCloseTimeout = TimeSpan.FromMinutes(5) }, cancellation.Token);
        Assert.True(await connection.Peer.CloseNotifyReceived.WaitAsync(ZooAssert.PeerObservationTimeout));

        cancellation.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => close);

        Measurement[] measurements = _measurements.ToArray();
        Assert.Equal(2, measurements.Length);
        Assert.Equal(new Measurement(TlsShutdownMetrics.ClosesInstrument, 1, TlsShutdownMetrics.CanceledTagValue, "SslStream"), measurements[0]);
        Assert.Equal(TlsShutdownMetrics.CloseDurationInstrument, measurements[1].Instrument);
        Assert.Equal(TlsShutdownMetrics.CanceledTagValue, measurements[1].Outcome);
        Assert.InRange(measurements[1].Value, 0, ZooAssert.PeerObservationTimeout.TotalSeconds);
    }

    [Fact]
    public void Instruments_AreDescribed()
    {
        var instruments = new ConcurrentDictionary<string, Instrument>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter.Name == TlsShutdownMetrics.MeterName)
                {
                    instruments[instrument.Name] = instrument;
                }
            },
        };

        // Instruments already created are published to a listener when it starts.
        _ = TlsCloseOptions.Default;
        GracefulTlsClose.Close(new System.Net.Security.SslStream(new MemoryStream()));
        listener.Start();

        Assert.IsType<Counter<long>>(instruments[TlsShutdownMetrics.ClosesInstrument]);
        Assert.Equal("{close}", instruments[TlsShutdownMetrics.ClosesInstrument].Unit);
        Assert.IsType<Histogram<double>>(instruments[TlsShutdownMetrics.CloseDurationInstrument]);
        Assert.Equal("s", instruments[TlsShutdownMetrics.CloseDurationInstrument].Unit);
    }

    [Fact]
    public void OutcomeTagValues_AreDistinctSnakeCase()
    {
        string[] values = Enum.GetValues<TlsCloseOutcome>().Select(TlsShutdownMetrics.OutcomeTagValue).ToArray();

        Assert.All(values, v => Assert.Matches("^[a-z]+(_[a-z]+)*$", v));
        Assert.Equal(values.Length, values.Append(TlsShutdownMetrics.CanceledTagValue).Distinct().Count() - 1);
        Assert.Equal("clean", TlsShutdownMetrics.OutcomeTagValue(TlsCloseOutcome.Clean));
        Assert.Equal("timed_out", TlsShutdownMetrics.OutcomeTagValue(TlsCloseOutcome.TimedOut));
        Assert.Equal("discard_limit_exceeded", TlsShutdownMetrics.OutcomeTagValue(TlsCloseOutcome.DiscardLimitExceeded));
        Assert.Equal("protocol_error", TlsShutdownMetrics.OutcomeTagValue(TlsCloseOutcome.ProtocolError));
    }

    private static async Task<TlsCloseResult> CloseAsync(PeerBehavior behavior, TlsCloseOptions options, bool authenticate = true)
    {
        await using var connection = await SslStreamZooConnection.OpenAsync(behavior, SslProtocols.Tls13, tracked: true, authenticate: authenticate);
        return await GracefulTlsClose.CloseAsync(connection.Tls, options);
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        string? outcome = null;
        string? streamType = null;
        foreach (KeyValuePair<string, object?> tag in tags)
        {
            switch (tag.Key)
            {
                case TlsShutdownMetrics.OutcomeTag:
                    outcome = tag.Value as string;
                    break;
                case TlsShutdownMetrics.StreamTypeTag:
                    streamType = tag.Value as string;
                    break;
            }
        }

        _measurements.Enqueue(new Measurement(instrument.Name, value, outcome, streamType));
    }

    private sealed record Measurement(string Instrument, double Value, string? Outcome, string? StreamType);
}
