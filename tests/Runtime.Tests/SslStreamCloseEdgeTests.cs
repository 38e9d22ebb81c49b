using System.Net.Sockets;
using System.Security.Authentication;
using TlsShutdown.Tests.Infrastructure;

namespace TlsShutdown.Tests;

/// <summary>Closes in the situations applications get into around the zoo: the peer closed first, the transport
/// is left open, the transport has no timeouts, the discard limit is met exactly, a read is still pending.</summary>
public sealed class SslStreamCloseEdgeTests
{
    private static readonly TimeSpan LongWait = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ShortWait = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan QuickClose = TimeSpan.FromSeconds(5);
    private static readonly TlsCloseOptions Patient = new() { SendTimeout = LongWait, PeerCloseTimeout = LongWait };

    [Theory]
    [MemberData(nameof(ZooData.ProtocolsAndTracking), MemberType = typeof(ZooData))]
    public async Task PeerClosedFirst_AndTheApplicationReadItsEnd_IsClean(SslProtocols protocol, bool tracked)
    {
        await using var connection = await SslStreamZooConnection.OpenAsync(PeerBehavior.ClosesFirst, protocol, tracked);
        Assert.Equal(0, await connection.Tls.ReadAsync(new byte[1]));

        TlsCloseResult result = await GracefulTlsClose.CloseAsync(connection.Tls, Patient);

        Assert.Equal(TlsCloseOutcome.Clean, result.Outcome);
        Assert.True(result.CloseNotifySent);
        Assert.True(result.PeerCloseNotifyReceived);
        Assert.Null(result.Error);
        Assert.InRange(result.Elapsed, TimeSpan.Zero, QuickClose);
        Assert.True(await connection.Peer.CloseNotifyReceived);
        Assert.Equal(PeerEnd.EndOfStream, await ZooAssert.TransportClosedAsync(connection));
    }

    [Theory]
    [MemberData(nameof(ZooData.ProtocolsAndTracking), MemberType = typeof(ZooData))]
    public async Task PeerResetBeforeTheClose_SendFailed(SslProtocols protocol, bool tracked)
    {
        await using var connection = await SslStreamZooConnection.OpenAsync(PeerBehavior.NeverAnswers, protocol, tracked);
        connection.PeerSocket.LingerState = new LingerOption(enable: true, seconds: 0);
        connection.PeerSocket.Close();

        // The reset has arrived once the client's socket turns readable (with the error).
        Assert.True(connection.ClientSocket.Poll(QuickClose, SelectMode.SelectRead));

        TlsCloseResult result = await GracefulTlsClose.CloseAsync(connection.Tls, Patient);

        // The transport failed while sending: our close_notify never left.
        Assert.Equal(TlsCloseOutcome.SendFailed, result.Outcome);
        Assert.False(result.CloseNotifySent);
        Assert.Null(result.PeerCloseNotifyReceived);
        Assert.NotNull(ZooAssert.FindInChain<SocketException>(result.Error));
        Assert.InRange(result.Elapsed, TimeSpan.Zero, QuickClose);
        Assert.True(connection.ClientTransportClosed);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task DataExactlyAtTheDiscardLimit_IsStillClean(bool tracked)
    {
        const int limit = 200 * 1024;
        var peerOptions = new PeerOptions { FloodBytes = limit };
        await using var connection = await SslStreamZooConnection.OpenAsync(PeerBehavior.SendsDataThenClosesCleanly, SslProtocols.Tls13, tracked, peerOptions);

        TlsCloseResult result = await GracefulTlsClose.CloseAsync(connection.Tls, Patient with { MaxDiscardBytes = limit });

        Assert.Contains(result.Outcome, new[] { TlsCloseOutcome.Clean, TlsCloseOutcome.PeerClosed });
        Assert.Equal(limit, result.DiscardedBytes);
        await ZooAssert.TransportClosedAsync(connection);
    }

    [Theory]
    [MemberData(nameof(ZooData.Protocols), MemberType = typeof(ZooData))]
    public async Task LeaveOpenTransport_IsLeftOpenAfterACleanClose(SslProtocols protocol)
    {
        await using var connection = await SslStreamZooConnection.OpenAsync(
            PeerBehavior.AnswersCloseNotifyKeepsOpen, protocol, tracked: true, leaveTransportOpen: true);

        TlsCloseResult result = await GracefulTlsClose.CloseAsync(connection.Tls, Patient);

        Assert.Equal(TlsCloseOutcome.Clean, result.Outcome);
        Assert.True(result.PeerCloseNotifyReceived);
        Assert.False(connection.ClientTransportClosed);
        Assert.False(connection.Peer.TransportEnded.IsCompleted);

        // The transport is the application's to close.
        connection.Transport.Dispose();
        Assert.Equal(PeerEnd.EndOfStream, await ZooAssert.TransportClosedAsync(connection));
    }

    [Theory]
    [InlineData(PeerBehavior.AnswersCloseNotifyKeepsOpen, TlsCloseOutcome.Clean)]
    [InlineData(PeerBehavior.NeverAnswers, TlsCloseOutcome.TimedOut)]
    public async Task LeaveOpenTransport_BlockingClose_LeavesItsReadTimeoutAsItWas(PeerBehavior behavior, TlsCloseOutcome expected)
    {
        // A transport kept after the TLS session ends (FTP's CCC, STARTTLS downgrades) must not inherit the
        // close's short read timeout.
        await using var connection = await SslStreamZooConnection.OpenAsync(behavior, SslProtocols.Tls13, tracked: false, leaveTransportOpen: true);
        connection.Transport.ReadTimeout = 12_345;

        TlsCloseResult result = await Task.Run(() => GracefulTlsClose.Close(connection.Tls, Patient with { PeerCloseTimeout = ShortWait }));

        Assert.Equal(expected, result.Outcome);
        Assert.False(connection.ClientTransportClosed);
        Assert.Equal(12_345, connection.Transport.ReadTimeout);
        connection.Transport.Dispose();
        await ZooAssert.TransportClosedAsync(connection);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task LeaveOpenTransport_SilentPeer_StillTimesOutInTime(bool blocking)
    {
        await using var connection = await SslStreamZooConnection.OpenAsync(
            PeerBehavior.NeverAnswers, SslProtocols.Tls13, tracked: true, leaveTransportOpen: true);
        TlsCloseOptions options = Patient with { PeerCloseTimeout = ShortWait };

        TlsCloseResult result = blocking
            ? await Task.Run(() => GracefulTlsClose.Close(connection.Tls, options))
            : await GracefulTlsClose.CloseAsync(connection.Tls, options);

        Assert.Equal(TlsCloseOutcome.TimedOut, result.Outcome);
        Assert.InRange(result.Elapsed, ShortWait - TimeSpan.FromMilliseconds(20), QuickClose);
        Assert.False(connection.ClientTransportClosed);
        connection.Transport.Dispose();
        await ZooAssert.TransportClosedAsync(connection);
    }

    [Theory]
    [InlineData(PeerBehavior.NeverAnswers, TlsCloseOutcome.TimedOut)]
    [InlineData(PeerBehavior.AnswersCloseNotifyKeepsOpen, TlsCloseOutcome.Clean)]
    [InlineData(PeerBehavior.ClosesWithoutCloseNotify, TlsCloseOutcome.Truncated)]
    [InlineData(PeerBehavior.FloodsWithoutEnd, TlsCloseOutcome.DiscardLimitExceeded)]
    public async Task BlockingClose_OverATransportWithoutTimeouts_IsStillBounded(PeerBehavior behavior, TlsCloseOutcome expected)
    {
        await using var connection = await SslStreamZooConnection.OpenAsync(
            behavior, SslProtocols.Tls13, tracked: true, wrapTransport: transport => new NoTimeoutStream(transport));
        Assert.False(connection.Tls.CanTimeout);

        // Only the silent peer may run into the wait: the blocking read on an async one needs a pool thread to
        // complete, which a loaded machine may take a while to provide.
        TimeSpan wait = behavior == PeerBehavior.NeverAnswers ? ShortWait : LongWait;
        TlsCloseResult result = await Task.Run(() => GracefulTlsClose.Close(
            connection.Tls, Patient with { PeerCloseTimeout = wait, MaxDiscardBytes = 64 * 1024 }));

        Assert.Equal(expected, result.Outcome);
        Assert.InRange(result.Elapsed, TimeSpan.Zero, QuickClose);
        await ZooAssert.TransportClosedAsync(connection);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TransportWithoutSocket_CleanCloseIsOnlyProvableWithATracker(bool tracked)
    {
        // Without a tracker and without a socket to look at, a 0 from SslStream proves nothing.
        await using var connection = await SslStreamZooConnection.OpenAsync(
            PeerBehavior.AnswersCloseNotifyKeepsOpen, SslProtocols.Tls13, tracked, wrapTransport: transport => new NoTimeoutStream(transport));

        TlsCloseResult result = await GracefulTlsClose.CloseAsync(connection.Tls, Patient);

        Assert.Equal(tracked ? TlsCloseOutcome.Clean : TlsCloseOutcome.PeerClosed, result.Outcome);
        Assert.Equal(tracked ? true : null, result.PeerCloseNotifyReceived);
        await ZooAssert.TransportClosedAsync(connection);
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, false)]
    [InlineData(true, true)]
    [InlineData(false, true)]
    public async Task ApplicationReadStillPending_IsAMisuseNotAPeerError(bool tracked, bool blocking)
    {
        // A peer that never answers keeps the application's read pending throughout.
        await using var connection = await SslStreamZooConnection.OpenAsync(PeerBehavior.NeverAnswers, SslProtocols.Tls13, tracked);
        Task<int> applicationRead = connection.Tls.ReadAsync(new byte[1]).AsTask();

        // SslStream refuses a second read, so the close cannot await the peer's close_notify. That is the
        // application's doing, not the peer's: thrown as SslStream throws it, not reported as a ProtocolError.
        await Assert.ThrowsAsync<NotSupportedException>(() => blocking
            ? Task.Run(() => GracefulTlsClose.Close(connection.Tls, Patient))
            : GracefulTlsClose.CloseAsync(connection.Tls, Patient));

        // Our close_notify went out first, and the connection was released all the same.
        Assert.True(await connection.Peer.CloseNotifyReceived);
        await ZooAssert.TransportClosedAsync(connection);
        await applicationRead.ContinueWith(static read => _ = read.Exception, TaskScheduler.Default).WaitAsync(QuickClose);
    }
}
