using System.Net.Sockets;
using System.Security.Authentication;
using TlsShutdown.Tests.Infrastructure;

namespace TlsShutdown.Tests.Engine;

/// <summary>
/// <see cref="GracefulTlsClose.CloseAsync(TlsEngineStream, TlsCloseOptions?, CancellationToken)"/> and
/// <see cref="GracefulTlsClose.Close(TlsEngineStream, TlsCloseOptions?)"/> against every peer of the zoo, over
/// TLS 1.2 and 1.3. The engine sees every alert: each outcome is exact, PeerCloseNotifyReceived is never null,
/// and PeerClosed never appears.
/// </summary>
public sealed class EngineCloseTests
{
    private static readonly TimeSpan LongWait = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan QuickClose = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan ShortWait = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan TimerSlack = TimeSpan.FromMilliseconds(20);
    private static readonly TlsCloseOptions Patient = new() { SendTimeout = LongWait, PeerCloseTimeout = LongWait };

    [Theory]
    [MemberData(nameof(ZooData.ProtocolsAndSync), MemberType = typeof(ZooData))]
    public async Task PeerAnswersCloseNotifyThenFin_IsClean(SslProtocols protocol, bool blocking)
    {
        await using var connection = await EngineZooConnection.OpenAsync(PeerBehavior.AnswersCloseNotify, protocol);

        TlsCloseResult result = await CloseAsync(connection, Patient, blocking);

        // Unlike SslStream, no race with the FIN: the engine saw the alert itself.
        AssertClean(result, discarded: 0);
        Assert.True(await connection.Peer.CloseNotifyReceived);
        Assert.Equal(PeerEnd.EndOfStream, await ZooAssert.TransportClosedAsync(connection.ClientSocket, connection.Peer));
    }

    [Theory]
    [MemberData(nameof(ZooData.ProtocolsAndSync), MemberType = typeof(ZooData))]
    public async Task PeerAnswersCloseNotifyAndKeepsSocketOpen_IsClean(SslProtocols protocol, bool blocking)
    {
        await using var connection = await EngineZooConnection.OpenAsync(PeerBehavior.AnswersCloseNotifyKeepsOpen, protocol);

        TlsCloseResult result = await CloseAsync(connection, Patient, blocking);

        AssertClean(result, discarded: 0);
        Assert.True(await connection.Peer.CloseNotifyReceived);
        Assert.Equal(PeerEnd.EndOfStream, await ZooAssert.TransportClosedAsync(connection.ClientSocket, connection.Peer));
    }

    [Theory]
    [MemberData(nameof(ZooData.ProtocolsAndSync), MemberType = typeof(ZooData))]
    public async Task PeerClosesWithoutCloseNotify_IsTruncated(SslProtocols protocol, bool blocking)
    {
        await using var connection = await EngineZooConnection.OpenAsync(PeerBehavior.ClosesWithoutCloseNotify, protocol);

        TlsCloseResult result = await CloseAsync(connection, Patient, blocking);

        Assert.Equal(TlsCloseOutcome.Truncated, result.Outcome);
        Assert.True(result.CloseNotifySent);
        Assert.False(result.PeerCloseNotifyReceived);
        Assert.Equal(0, result.DiscardedBytes);
        Assert.IsType<TlsTruncationException>(result.Error);
        Assert.InRange(result.Elapsed, TimeSpan.Zero, QuickClose);
        Assert.True(await connection.Peer.CloseNotifyReceived);
        await ZooAssert.TransportClosedAsync(connection.ClientSocket, connection.Peer);
    }

    [Theory]
    [MemberData(nameof(ZooData.ProtocolsAndSync), MemberType = typeof(ZooData))]
    public async Task PeerNeverAnswers_TimesOut(SslProtocols protocol, bool blocking)
    {
        await using var connection = await EngineZooConnection.OpenAsync(PeerBehavior.NeverAnswers, protocol);

        TlsCloseResult result = await CloseAsync(connection, new() { SendTimeout = LongWait, PeerCloseTimeout = ShortWait }, blocking);

        Assert.Equal(TlsCloseOutcome.TimedOut, result.Outcome);
        Assert.True(result.CloseNotifySent);
        Assert.False(result.PeerCloseNotifyReceived);
        Assert.Equal(0, result.DiscardedBytes);
        Assert.Null(result.Error);
        Assert.InRange(result.Elapsed, ShortWait - TimerSlack, QuickClose);
        Assert.True(await connection.Peer.CloseNotifyReceived);
        await ZooAssert.TransportClosedAsync(connection.ClientSocket, connection.Peer);
    }

    [Theory]
    [MemberData(nameof(ZooData.ProtocolsAndSync), MemberType = typeof(ZooData))]
    public async Task PeerStopsReading_OurSendStalls_SendFailed(SslProtocols protocol, bool blocking)
    {
        await using var connection = await EngineZooConnection.OpenAsync(PeerBehavior.StopsReading, protocol, socketBufferSize: 8 * 1024);
        Task pendingWrite = await SendBufferFiller.FillAsync(connection.Tls, connection.ClientSocket, connection.PeerSocket);

        TlsCloseResult result = await CloseAsync(connection, new() { SendTimeout = ShortWait, PeerCloseTimeout = LongWait }, blocking);

        Assert.Equal(TlsCloseOutcome.SendFailed, result.Outcome);
        Assert.False(result.CloseNotifySent);
        Assert.False(result.PeerCloseNotifyReceived);
        Assert.Equal(0, result.DiscardedBytes);
        Assert.IsType<TimeoutException>(result.Error);
        Assert.InRange(result.Elapsed, ShortWait - TimerSlack, QuickClose);
        await Assert.ThrowsAnyAsync<Exception>(() => pendingWrite.WaitAsync(QuickClose));
        connection.Peer.ResumeReading();
        Assert.False(await connection.Peer.CloseNotifyReceived);
        await ZooAssert.TransportClosedAsync(connection.ClientSocket, connection.Peer);
    }

    [Theory]
    [MemberData(nameof(ZooData.ProtocolsAndSync), MemberType = typeof(ZooData))]
    public async Task PeerSendsMegabytesThenCloseNotify_DataIsDiscarded_Clean(SslProtocols protocol, bool blocking)
    {
        var peerOptions = new PeerOptions { FloodBytes = 3 * 1024 * 1024 };
        await using var connection = await EngineZooConnection.OpenAsync(PeerBehavior.SendsDataThenClosesCleanly, protocol, peerOptions);

        TlsCloseResult result = await CloseAsync(connection, Patient with { MaxDiscardBytes = 16 * 1024 * 1024 }, blocking);

        AssertClean(result, discarded: peerOptions.FloodBytes);
        Assert.Equal(peerOptions.FloodBytes, connection.Peer.ApplicationBytesSent);
        Assert.True(await connection.Peer.CloseNotifyReceived);
        Assert.Equal(PeerEnd.EndOfStream, await ZooAssert.TransportClosedAsync(connection.ClientSocket, connection.Peer));
    }

    [Theory]
    [MemberData(nameof(ZooData.Protocols), MemberType = typeof(ZooData))]
    public async Task DataExactlyAtTheDiscardLimit_IsStillClean(SslProtocols protocol)
    {
        const int limit = 100_000;
        await using var connection = await EngineZooConnection.OpenAsync(PeerBehavior.SendsDataThenClosesCleanly, protocol, new PeerOptions { FloodBytes = limit });

        TlsCloseResult result = await GracefulTlsClose.CloseAsync(connection.Tls, Patient with { MaxDiscardBytes = limit });

        AssertClean(result, discarded: limit);
    }

    [Theory]
    [MemberData(nameof(ZooData.ProtocolsAndSync), MemberType = typeof(ZooData))]
    public async Task PeerSendsMoreThanTheDiscardLimit_DiscardLimitExceeded(SslProtocols protocol, bool blocking)
    {
        const long limit = 64 * 1024;
        var peerOptions = new PeerOptions { FloodBytes = 64 * 1024 * 1024 };
        await using var connection = await EngineZooConnection.OpenAsync(PeerBehavior.SendsDataThenClosesCleanly, protocol, peerOptions);

        TlsCloseResult result = await CloseAsync(connection, Patient with { MaxDiscardBytes = limit }, blocking);

        AssertDiscardLimitExceeded(result, limit);
        Assert.True(await connection.Peer.CloseNotifyReceived);
        await ZooAssert.TransportClosedAsync(connection.ClientSocket, connection.Peer);
        Assert.True(connection.Peer.ApplicationBytesSent < peerOptions.FloodBytes, "The peer got to send everything.");
    }

    [Theory]
    [MemberData(nameof(ZooData.ProtocolsAndSync), MemberType = typeof(ZooData))]
    public async Task PeerFloodsWithoutEnd_DiscardLimitExceeded(SslProtocols protocol, bool blocking)
    {
        const long limit = 256 * 1024;
        await using var connection = await EngineZooConnection.OpenAsync(PeerBehavior.FloodsWithoutEnd, protocol);

        TlsCloseResult result = await CloseAsync(connection, Patient with { MaxDiscardBytes = limit }, blocking);

        AssertDiscardLimitExceeded(result, limit);
        Assert.True(await connection.Peer.CloseNotifyReceived);
        Assert.Equal(PeerEnd.Reset, await ZooAssert.TransportClosedAsync(connection.ClientSocket, connection.Peer));
    }

    [Theory]
    [MemberData(nameof(ZooData.Protocols), MemberType = typeof(ZooData))]
    public async Task PeerFloodsWithoutEnd_UnderAHighDiscardLimit_TimesOutAfterDiscarding(SslProtocols protocol)
    {
        await using var connection = await EngineZooConnection.OpenAsync(PeerBehavior.FloodsWithoutEnd, protocol);
        await connection.Peer.ApplicationDataSent.WaitAsync(ZooAssert.PeerObservationTimeout);

        TlsCloseResult result = await GracefulTlsClose.CloseAsync(
            connection.Tls,
            new() { SendTimeout = LongWait, PeerCloseTimeout = ShortWait, MaxDiscardBytes = long.MaxValue });

        Assert.Equal(TlsCloseOutcome.TimedOut, result.Outcome);
        Assert.True(result.CloseNotifySent);
        Assert.False(result.PeerCloseNotifyReceived);
        Assert.True(result.DiscardedBytes > 0, "Nothing was discarded from a flood.");
        Assert.Null(result.Error);
        Assert.InRange(result.Elapsed, ShortWait - TimerSlack, QuickClose);
        Assert.Equal(PeerEnd.Reset, await ZooAssert.TransportClosedAsync(connection.ClientSocket, connection.Peer));
    }

    [Theory]
    [MemberData(nameof(ZooData.ProtocolsAndSync), MemberType = typeof(ZooData))]
    public async Task PeerResets_IsTruncated(SslProtocols protocol, bool blocking)
    {
        await using var connection = await EngineZooConnection.OpenAsync(PeerBehavior.Resets, protocol);

        TlsCloseResult result = await CloseAsync(connection, Patient, blocking);

        Assert.Equal(TlsCloseOutcome.Truncated, result.Outcome);
        Assert.True(result.CloseNotifySent);
        Assert.False(result.PeerCloseNotifyReceived);
        Assert.Equal(0, result.DiscardedBytes);
        Assert.IsType<TlsTruncationException>(result.Error);
        SocketException? reset = ZooAssert.FindInChain<SocketException>(result.Error);
        Assert.NotNull(reset);
        Assert.Equal(SocketError.ConnectionReset, reset.SocketErrorCode);
        Assert.InRange(result.Elapsed, TimeSpan.Zero, QuickClose);
        Assert.True(await connection.Peer.CloseNotifyReceived);
        Assert.Equal(PeerEnd.ClosedByPeer, await ZooAssert.TransportClosedAsync(connection.ClientSocket, connection.Peer));
    }

    [Theory]
    [MemberData(nameof(ZooData.ProtocolsAndSync), MemberType = typeof(ZooData))]
    public async Task PeerSendsGarbage_IsProtocolError(SslProtocols protocol, bool blocking)
    {
        await using var connection = await EngineZooConnection.OpenAsync(PeerBehavior.SendsGarbage, protocol);

        TlsCloseResult result = await CloseAsync(connection, Patient, blocking);

        Assert.Equal(TlsCloseOutcome.ProtocolError, result.Outcome);
        Assert.True(result.CloseNotifySent);
        Assert.False(result.PeerCloseNotifyReceived);
        Assert.Equal(0, result.DiscardedBytes);
        Assert.IsAssignableFrom<IOException>(result.Error);
        Assert.IsNotType<TlsTruncationException>(result.Error);
        Assert.Null(ZooAssert.FindInChain<SocketException>(result.Error));
        Assert.InRange(result.Elapsed, TimeSpan.Zero, QuickClose);
        Assert.True(await connection.Peer.CloseNotifyReceived);
        await ZooAssert.TransportClosedAsync(connection.ClientSocket, connection.Peer);
    }

    [Theory]
    [MemberData(nameof(ZooData.ProtocolsAndSync), MemberType = typeof(ZooData))]
    public async Task PeerClosesFirst_IsClean(SslProtocols protocol, bool blocking)
    {
        await using var connection = await EngineZooConnection.OpenAsync(PeerBehavior.ClosesFirst, protocol);

        TlsCloseResult result = await CloseAsync(connection, Patient, blocking);

        AssertClean(result, discarded: 0);
        Assert.True(await connection.Peer.CloseNotifyReceived);
        await ZooAssert.TransportClosedAsync(connection.ClientSocket, connection.Peer);
    }

    [Fact]
    public async Task Tls12_PeerClosedFirst_TheEngineAnswersAtOnce_WritesAreRefused_CloseIsClean()
    {
        await using var connection = await EngineZooConnection.OpenAsync(PeerBehavior.ClosesFirst, SslProtocols.Tls12);
        Assert.Equal(0, await connection.Tls.ReadAsync(new byte[100]).AsTask().WaitAsync(LongWait));
        Assert.True(connection.Tls.CloseNotifyReceived);

        // RFC 5246 §7.2.1: the engine answered the peer's close_notify with ours: nothing more may be written.
        Assert.True(await connection.Peer.CloseNotifyReceived.WaitAsync(LongWait));
        Assert.True(connection.Tls.CloseNotifySent);
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await connection.Tls.WriteAsync(new byte[1]));

        TlsCloseResult result = await GracefulTlsClose.CloseAsync(connection.Tls, Patient);

        AssertClean(result, discarded: 0);
    }

    [Theory]
    [MemberData(nameof(ZooData.Sync), MemberType = typeof(ZooData))]
    public async Task Tls13_PeerClosedFirst_OurDirectionStaysOpen_UntilTheCloseIsClean(bool blocking)
    {
        await using var connection = await EngineZooConnection.OpenAsync(PeerBehavior.ClosesFirst, SslProtocols.Tls13);
        Assert.Equal(0, await connection.Tls.ReadAsync(new byte[100]).AsTask().WaitAsync(LongWait));
        Assert.True(connection.Tls.CloseNotifyReceived);

        // RFC 8446 §6.1: the peer's close_notify ended its direction only. Ours is open until the application closes it.
        Assert.False(connection.Tls.CloseNotifySent);
        await connection.Tls.WriteAsync(new byte[1000]).AsTask().WaitAsync(LongWait);
        TlsCloseResult result = await CloseAsync(connection, Patient, blocking);

        AssertClean(result, discarded: 0);
        Assert.True(await connection.Peer.CloseNotifyReceived.WaitAsync(LongWait));
        Assert.Equal(1000, connection.Peer.ApplicationBytesReceived);
    }

    [Theory]
    [MemberData(nameof(ZooData.Protocols), MemberType = typeof(ZooData))]
    public async Task WaitingSwitchedOff_NotAwaited(SslProtocols protocol)
    {
        await using var connection = await EngineZooConnection.OpenAsync(PeerBehavior.AnswersCloseNotify, protocol);

        TlsCloseResult result = await GracefulTlsClose.CloseAsync(connection.Tls, new() { PeerCloseTimeout = TimeSpan.Zero });

        Assert.Equal(TlsCloseOutcome.NotAwaited, result.Outcome);
        Assert.True(result.CloseNotifySent);
        Assert.False(result.PeerCloseNotifyReceived);
        Assert.Equal(0, result.DiscardedBytes);
        Assert.Null(result.Error);
        Assert.InRange(result.Elapsed, TimeSpan.Zero, QuickClose);
        Assert.True(await connection.Peer.CloseNotifyReceived);
        await ZooAssert.TransportClosedAsync(connection.ClientSocket, connection.Peer);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task NeverAuthenticated_NotConnected(bool blocking)
    {
        await using var connection = await EngineZooConnection.OpenAsync(PeerBehavior.AnswersCloseNotify, SslProtocols.Tls13, authenticate: false);

        TlsCloseResult result = await CloseAsync(connection, Patient, blocking);

        Assert.Equal(TlsCloseOutcome.NotConnected, result.Outcome);
        Assert.False(result.CloseNotifySent);
        Assert.False(result.PeerCloseNotifyReceived);
        Assert.Null(result.Error);
        Assert.True(SocketState.IsDisposed(connection.ClientSocket));
    }

    [Theory]
    [MemberData(nameof(ZooData.Protocols), MemberType = typeof(ZooData))]
    public async Task AlreadyDisposed_NotConnected(SslProtocols protocol)
    {
        await using var connection = await EngineZooConnection.OpenAsync(PeerBehavior.AnswersCloseNotify, protocol);
        await connection.Tls.DisposeAsync();

        TlsCloseResult result = await GracefulTlsClose.CloseAsync(connection.Tls, Patient);

        Assert.Equal(TlsCloseOutcome.NotConnected, result.Outcome);
        Assert.False(result.CloseNotifySent);
        Assert.False(result.PeerCloseNotifyReceived);
    }

    [Theory]
    [MemberData(nameof(ZooData.Protocols), MemberType = typeof(ZooData))]
    public async Task TransportClosedByTheApplication_NotConnected(SslProtocols protocol)
    {
        await using var connection = await EngineZooConnection.OpenAsync(PeerBehavior.AnswersCloseNotify, protocol);
        await connection.Transport.DisposeAsync();

        TlsCloseResult result = await GracefulTlsClose.CloseAsync(connection.Tls, Patient);

        Assert.Equal(TlsCloseOutcome.NotConnected, result.Outcome);
        Assert.False(result.CloseNotifySent);
        Assert.False(result.PeerCloseNotifyReceived);
    }

    [Theory]
    [MemberData(nameof(ZooData.ProtocolsAndSync), MemberType = typeof(ZooData))]
    public async Task ApplicationSentCloseNotifyAlready_CloseStillWaitsForThePeer(SslProtocols protocol, bool blocking)
    {
        await using var connection = await EngineZooConnection.OpenAsync(PeerBehavior.AnswersCloseNotifyKeepsOpen, protocol);
        await connection.Tls.ShutdownAsync();
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await connection.Tls.WriteAsync(new byte[1]));
        Assert.Throws<InvalidOperationException>(() => connection.Tls.Write(new byte[1], 0, 1));

        TlsCloseResult result = await CloseAsync(connection, Patient, blocking);

        AssertClean(result, discarded: 0);
        Assert.True(await connection.Peer.CloseNotifyReceived);
        Assert.Equal(PeerEnd.EndOfStream, await ZooAssert.TransportClosedAsync(connection.ClientSocket, connection.Peer));
    }

    [Theory]
    [MemberData(nameof(ZooData.Protocols), MemberType = typeof(ZooData))]
    public async Task LeaveOpenTransport_IsLeftOpenAfterACleanClose(SslProtocols protocol)
    {
        await using var connection = await EngineZooConnection.OpenAsync(PeerBehavior.AnswersCloseNotifyKeepsOpen, protocol, leaveTransportOpen: true);

        TlsCloseResult result = await GracefulTlsClose.CloseAsync(connection.Tls, Patient);

        AssertClean(result, discarded: 0);
        Assert.False(SocketState.IsDisposed(connection.ClientSocket));
        Assert.True(connection.Transport.CanWrite);
    }

    [Theory]
    [MemberData(nameof(ZooData.Protocols), MemberType = typeof(ZooData))]
    public async Task CanceledWhileWaitingForThePeer_AbortsTheTransportAndThrows(SslProtocols protocol)
    {
        await using var connection = await EngineZooConnection.OpenAsync(PeerBehavior.NeverAnswers, protocol);
        using var cancel = new CancellationTokenSource();
        Task<TlsCloseResult> close = GracefulTlsClose.CloseAsync(connection.Tls, Patient, cancel.Token);

        // Our close_notify reached the peer: the close is now waiting for an answer that never comes.
        Assert.True(await connection.Peer.CloseNotifyReceived.WaitAsync(ZooAssert.PeerObservationTimeout));
        Assert.False(close.IsCompleted);
        cancel.Cancel();
        OperationCanceledException error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => close.WaitAsync(QuickClose));

        Assert.Equal(cancel.Token, error.CancellationToken);
        Assert.True(SocketState.IsDisposed(connection.ClientSocket));
    }

    [Theory]
    [InlineData(PeerBehavior.NeverAnswers, TlsCloseOutcome.TimedOut, SslProtocols.Tls12)]
    [InlineData(PeerBehavior.NeverAnswers, TlsCloseOutcome.TimedOut, SslProtocols.Tls13)]
    [InlineData(PeerBehavior.AnswersCloseNotifyKeepsOpen, TlsCloseOutcome.Clean, SslProtocols.Tls12)]
    [InlineData(PeerBehavior.AnswersCloseNotifyKeepsOpen, TlsCloseOutcome.Clean, SslProtocols.Tls13)]
    [InlineData(PeerBehavior.ClosesWithoutCloseNotify, TlsCloseOutcome.Truncated, SslProtocols.Tls12)]
    [InlineData(PeerBehavior.ClosesWithoutCloseNotify, TlsCloseOutcome.Truncated, SslProtocols.Tls13)]
    [InlineData(PeerBehavior.FloodsWithoutEnd, TlsCloseOutcome.DiscardLimitExceeded, SslProtocols.Tls12)]
    [InlineData(PeerBehavior.FloodsWithoutEnd, TlsCloseOutcome.DiscardLimitExceeded, SslProtocols.Tls13)]
    public async Task BlockingClose_OverATransportWithoutTimeouts_IsStillBounded(PeerBehavior behavior, TlsCloseOutcome expected, SslProtocols protocol)
    {
        await using var connection = await EngineZooConnection.OpenAsync(behavior, protocol, wrapTransport: transport => new NoTimeoutStream(transport));
        Assert.False(connection.Tls.CanTimeout);

        // Only the silent peer may run into the wait: the blocking read on an async one needs a pool thread to
        // complete, which a loaded machine may take a while to provide.
        TimeSpan wait = behavior == PeerBehavior.NeverAnswers ? ShortWait : LongWait;
        TlsCloseResult result = await CloseAsync(connection, Patient with { PeerCloseTimeout = wait, MaxDiscardBytes = 64 * 1024 }, blocking: true);

        Assert.Equal(expected, result.Outcome);
        Assert.True(result.CloseNotifySent);
        Assert.Equal(expected == TlsCloseOutcome.Clean, result.PeerCloseNotifyReceived);
        Assert.InRange(result.Elapsed, TimeSpan.Zero, QuickClose);
        Assert.True(await connection.Peer.CloseNotifyReceived);
        await ZooAssert.TransportClosedAsync(connection.ClientSocket, connection.Peer);
    }

    [Fact]
    public async Task ApplicationReadStillPending_IsAMisuse()
    {
        await using var connection = await EngineZooConnection.OpenAsync(PeerBehavior.NeverAnswers, SslProtocols.Tls13);
        Task<int> pendingRead = connection.Tls.ReadAsync(new byte[10]).AsTask();

        await Assert.ThrowsAsync<NotSupportedException>(() => GracefulTlsClose.CloseAsync(connection.Tls, Patient));

        Assert.True(SocketState.IsDisposed(connection.ClientSocket));
        await Assert.ThrowsAnyAsync<Exception>(() => pendingRead.WaitAsync(QuickClose));
    }

    private static async Task<TlsCloseResult> CloseAsync(EngineZooConnection connection, TlsCloseOptions options, bool blocking)
    {
        TlsCloseResult result = blocking
            ? await Task.Run(() => GracefulTlsClose.Close(connection.Tls, options))
            : await GracefulTlsClose.CloseAsync(connection.Tls, options);

        // The engine sees every alert: how the peer's side ended is always known.
        Assert.NotNull(result.PeerCloseNotifyReceived);
        Assert.NotEqual(TlsCloseOutcome.PeerClosed, result.Outcome);
        return result;
    }

    private static void AssertClean(TlsCloseResult result, long discarded)
    {
        Assert.Equal(TlsCloseOutcome.Clean, result.Outcome);
        Assert.True(result.CloseNotifySent);
        Assert.True(result.PeerCloseNotifyReceived);
        Assert.Equal(discarded, result.DiscardedBytes);
        Assert.Null(result.Error);
        Assert.InRange(result.Elapsed, TimeSpan.Zero, QuickClose);
    }

    private static void AssertDiscardLimitExceeded(TlsCloseResult result, long limit)
    {
        Assert.Equal(TlsCloseOutcome.DiscardLimitExceeded, result.Outcome);
        Assert.True(result.CloseNotifySent);
        Assert.False(result.PeerCloseNotifyReceived);
        Assert.InRange(result.DiscardedBytes, limit + 1, limit + (16 * 1024));
        Assert.Null(result.Error);
        Assert.InRange(result.Elapsed, TimeSpan.Zero, QuickClose);
    }
}
