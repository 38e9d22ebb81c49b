using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using TlsShutdown.Tests.Engine;
using TlsShutdown.Tests.Infrastructure;

namespace TlsShutdown.Tests;

/// <summary>
/// Every wait of a close is bounded for real, whatever the peer sends and whatever bounds the options accept,
/// for both stream types and for the blocking close as for the async one; and a close never blames the peer for
/// what our own side did (issue 10, bugs 1, 2, 7 and 8).
/// </summary>
public sealed class CloseBoundsTests
{
    private static readonly TimeSpan PeerWait = TimeSpan.FromMilliseconds(500);

    // Generous: a close that is bounded ends within PeerWait plus scheduling, one that is not runs for minutes.
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan ThirtyDays = TimeSpan.FromDays(30);

    public static TheoryData<string, bool> StreamKindsAndSync
    {
        get
        {
            var data = new TheoryData<string, bool>();
            foreach (string kind in new[] { "SslStream", "SslStream+EofTrackingStream", "TlsEngineStream" })
            {
                data.Add(kind, false);
                data.Add(kind, true);
            }

            return data;
        }
    }

    public static TheoryData<string> StreamKinds => new("SslStream", "SslStream+EofTrackingStream", "TlsEngineStream");

    [Theory]
    [MemberData(nameof(StreamKindsAndSync))]
    public async Task PeerDripsARecordAByteAtATime_CloseTimesOutWithinPeerCloseTimeout(string kind, bool blocking)
    {
        await using RawServerConnection connection = await RawServerConnection.OpenAsync(kind, SslProtocols.Tls13);
        using var stopDripping = new CancellationTokenSource();

        // After our close_notify: the header of a full-size record, then one byte every 300 ms (about 80 minutes).
        Task drip = Task.Run(async () =>
        {
            Assert.Equal(0, await connection.Server.ReadAsync(new byte[1]));
            await connection.ServerTransport.WriteAsync(new byte[] { 23, 3, 3, 0x40, 0x00 }, stopDripping.Token);
            while (!stopDripping.IsCancellationRequested)
            {
                await Task.Delay(300, stopDripping.Token);
                await connection.ServerTransport.WriteAsync(new byte[1], stopDripping.Token);
            }
        });

        TlsCloseResult result = await connection.CloseAsync(new() { PeerCloseTimeout = PeerWait }, blocking).WaitAsync(Guard);
        stopDripping.Cancel();

        Assert.Equal(TlsCloseOutcome.TimedOut, result.Outcome);
        Assert.True(result.CloseNotifySent);
        Assert.InRange(result.Elapsed, PeerWait - TimeSpan.FromMilliseconds(20), Bounded);
        await Record.ExceptionAsync(() => drip);
    }

    [Theory]
    [MemberData(nameof(ZooData.ProtocolsAndSync), MemberType = typeof(ZooData))]
    public async Task EnginePeerFloodsEmptyRecords_CloseEndsWithinPeerCloseTimeout_AsAProtocolError(SslProtocols protocol, bool blocking)
    {
        await using NoisyServerConnection connection = await NoisyServerConnection.OpenAsync(protocol);
        Task flood = connection.Server.FloodAsync(static p => p.SendEmptyRecord());

        TlsCloseOptions options = new() { PeerCloseTimeout = TimeSpan.FromSeconds(1) };
        TlsCloseResult result = await (blocking
            ? Task.Run(() => GracefulTlsClose.Close(connection.Client, options))
            : GracefulTlsClose.CloseAsync(connection.Client, options)).WaitAsync(Guard);

        // Records that carry nothing are limited (TlsEngineStream.MaxRecordsWithoutApplicationData): long before the deadline.
        Assert.Equal(TlsCloseOutcome.ProtocolError, result.Outcome);
        Assert.Contains("without application data", result.Error!.Message);
        Assert.Equal(0, result.DiscardedBytes);
        Assert.InRange(result.Elapsed, TimeSpan.Zero, Bounded);
        await Record.ExceptionAsync(() => flood.WaitAsync(Guard));
    }

    [Theory]
    [MemberData(nameof(StreamKindsAndSync))]
    public async Task TimeoutsOfThirtyDays_AreAccepted_AndAHealthyPeerClosesCleanly(string kind, bool blocking)
    {
        await using RawServerConnection connection = await RawServerConnection.OpenAsync(kind, SslProtocols.Tls13);
        Task answer = connection.AnswerCloseNotifyAsync();

        TlsCloseResult result = await connection.CloseAsync(new() { SendTimeout = ThirtyDays, PeerCloseTimeout = ThirtyDays }, blocking).WaitAsync(Guard);

        Assert.True(result.Outcome is TlsCloseOutcome.Clean or TlsCloseOutcome.PeerClosed, $"{result.Outcome}: {result.Error}");
        Assert.Null(result.Error);
        await answer.WaitAsync(Guard);
    }

    [Theory]
    [MemberData(nameof(ZooData.Sync), MemberType = typeof(ZooData))]
    public async Task ThirtyDayPeerCloseTimeout_OverATransportWithoutTimeouts_IsClean_WithNoUnobservedException(bool blocking)
    {
        var unobserved = new List<Exception>();
        EventHandler<UnobservedTaskExceptionEventArgs> record = (_, e) => { lock (unobserved) { unobserved.Add(e.Exception); } };
        TaskScheduler.UnobservedTaskException += record;
        try
        {
            await using var connection = await EngineZooConnection.OpenAsync(
                PeerBehavior.AnswersCloseNotify, SslProtocols.Tls13, wrapTransport: static t => new NoTimeoutStream(t));
            TlsCloseOptions options = new() { SendTimeout = ThirtyDays, PeerCloseTimeout = ThirtyDays };

            TlsCloseResult result = await (blocking
                ? Task.Run(() => GracefulTlsClose.Close(connection.Tls, options))
                : GracefulTlsClose.CloseAsync(connection.Tls, options)).WaitAsync(Guard);

            Assert.Equal(TlsCloseOutcome.Clean, result.Outcome);
            GC.Collect();
            GC.WaitForPendingFinalizers();
            lock (unobserved)
            {
                // Other tests' abandoned tasks may be finalized now too: look for this close's failure only.
                Assert.DoesNotContain(unobserved, e => ZooAssert.FindInChain<ArgumentOutOfRangeException>(e) is not null);
            }
        }
        finally
        {
            TaskScheduler.UnobservedTaskException -= record;
        }
    }

    [Theory]
    [MemberData(nameof(StreamKinds))]
    public async Task BlockingCloseOfALeaveOpenStream_GivesTheTransportItsReadTimeoutBack(string kind)
    {
        await using RawServerConnection connection = await RawServerConnection.OpenAsync(kind, SslProtocols.Tls13, leaveOpen: true);
        connection.ClientTransport.ReadTimeout = 30_000;
        Task answer = connection.AnswerCloseNotifyAsync();

        TlsCloseResult result = await Task.Run(() => connection.Close(new() { PeerCloseTimeout = TimeSpan.FromSeconds(10) })).WaitAsync(Guard);

        Assert.True(result.Outcome is TlsCloseOutcome.Clean or TlsCloseOutcome.PeerClosed, $"{result.Outcome}: {result.Error}");
        Assert.Equal(30_000, connection.ClientTransport.ReadTimeout);
        await answer.WaitAsync(Guard);
    }

    [Theory]
    [MemberData(nameof(StreamKinds))]
    public async Task DisposeDuringTheClose_IsOurDoing_NotAwaited_NeverTruncated(string kind)
    {
        await using RawServerConnection connection = await RawServerConnection.OpenAsync(kind, SslProtocols.Tls13);
        Task<TlsCloseResult> close = connection.CloseAsync(new() { PeerCloseTimeout = TimeSpan.FromSeconds(30) }, blocking: false);

        // The peer has our close_notify: the close is waiting for the peer's, which never comes.
        Assert.Equal(0, await connection.Server.ReadAsync(new byte[1]).AsTask().WaitAsync(Guard));
        connection.Client.Dispose();
        TlsCloseResult result = await close.WaitAsync(Guard);

        Assert.Equal(TlsCloseOutcome.NotAwaited, result.Outcome);
        Assert.True(result.CloseNotifySent);
        Assert.NotEqual(true, result.PeerCloseNotifyReceived);
        Assert.IsType<ObjectDisposedException>(result.Error);
        Assert.InRange(result.Elapsed, TimeSpan.Zero, Bounded);
    }

    [Theory]
    [MemberData(nameof(StreamKindsAndSync))]
    public async Task ASecondConcurrentClose_IsNotConnected_AndLeavesTheFirstAlone(string kind, bool blocking)
    {
        await using RawServerConnection connection = await RawServerConnection.OpenAsync(kind, SslProtocols.Tls13);
        Task<TlsCloseResult> first = connection.CloseAsync(new() { PeerCloseTimeout = PeerWait }, blocking: false);
        Assert.Equal(0, await connection.Server.ReadAsync(new byte[1]).AsTask().WaitAsync(Guard));

        TlsCloseResult second = await connection.CloseAsync(new() { PeerCloseTimeout = PeerWait }, blocking).WaitAsync(Guard);
        TlsCloseResult firstResult = await first.WaitAsync(Guard);

        Assert.Equal(TlsCloseOutcome.NotConnected, second.Outcome);
        Assert.False(second.CloseNotifySent);
        Assert.IsType<InvalidOperationException>(second.Error);

        // The peer stayed silent: the first close times out; nobody blames the peer for a truncation.
        Assert.Equal(TlsCloseOutcome.TimedOut, firstResult.Outcome);
        Assert.True(firstResult.CloseNotifySent);
    }
}
