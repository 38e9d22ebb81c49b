using System.Diagnostics;
using System.Net.Sockets;
using System.Security.Authentication;
using TlsShutdown.Tests.Infrastructure;

namespace TlsShutdown.Tests;

/// <summary>
/// <see cref="GracefulTlsClose.CloseAsync(System.Net.Security.SslStream, TlsCloseOptions?, CancellationToken)"/>
/// against every peer of the zoo, over TLS 1.2 and TLS 1.3, with and without an <see cref="EofTrackingStream"/>.
/// </summary>
public sealed class SslStreamCloseTests
{
    /// <summary>A wait no cooperative peer comes near: passing proves the close did not run into it.</summary>
    private static readonly TimeSpan LongWait = TimeSpan.FromSeconds(10);

    /// <summary>Upper bound on any close in these tests, far below <see cref="LongWait"/>.</summary>
    private static readonly TimeSpan QuickClose = TimeSpan.FromSeconds(5);

    /// <summary>How long a silent peer is waited for.</summary>
    private static readonly TimeSpan ShortWait = TimeSpan.FromMilliseconds(250);

    /// <summary>Timers may fire up to a clock tick early.</summary>
    private static readonly TimeSpan TimerSlack = TimeSpan.FromMilliseconds(20);

    private static readonly TlsCloseOptions Patient = new() { SendTimeout = LongWait, PeerCloseTimeout = LongWait };

    [Theory]
    [MemberData(nameof(ZooData.Protocols), MemberType = typeof(ZooData))]
    public async Task PeerAnswersCloseNotify_WithTracker_IsClean(SslProtocols protocol)
    {
        await using var connection = await SslStreamZooConnection.OpenAsync(PeerBehavior.AnswersCloseNotify, protocol, tracked: true);

        TlsCloseResult result = await GracefulTlsClose.CloseAsync(connection.Tls, Patient);

        Assert.Equal(TlsCloseOutcome.Clean, result.Outcome);
        Assert.True(result.CloseNotifySent);
        Assert.True(result.PeerCloseNotifyReceived);
        Assert.Equal(0, result.DiscardedBytes);
        Assert.Null(result.Error);
        Assert.InRange(result.Elapsed, TimeSpan.Zero, QuickClose);
        Assert.True(await connection.Peer.CloseNotifyReceived);
        Assert.Equal(PeerEnd.EndOfStream, await ZooAssert.TransportClosedAsync(connection));
    }

    [Theory]
    [InlineData(SslProtocols.Tls12, "RSA")]
    [InlineData(SslProtocols.Tls13, "RSA")]
    [InlineData(SslProtocols.Tls12, "ECDSA")]
    [InlineData(SslProtocols.Tls13, "ECDSA")]
    public async Task DefaultOptions_EitherKeyType_IsClean(SslProtocols protocol, string keyType)
    {
        var peerOptions = new PeerOptions { Certificate = keyType == "RSA" ? TestCertificates.Rsa : TestCertificates.Ecdsa };
        await using var connection = await SslStreamZooConnection.OpenAsync(PeerBehavior.AnswersCloseNotifyKeepsOpen, protocol, tracked: true, peerOptions);
        Assert.Equal(peerOptions.Certificate.GetCertHash(), connection.Tls.RemoteCertificate!.GetCertHash());

        TlsCloseResult result = await GracefulTlsClose.CloseAsync(connection.Tls);

        Assert.Equal(TlsCloseOutcome.Clean, result.Outcome);
        Assert.True(result.CloseNotifySent);
        Assert.True(result.PeerCloseNotifyReceived);
        Assert.InRange(result.Elapsed, TimeSpan.Zero, TlsCloseOptions.DefaultPeerCloseTimeout);
        Assert.Equal(PeerEnd.EndOfStream, await ZooAssert.TransportClosedAsync(connection));
    }

    [Theory]
    [MemberData(nameof(ZooData.Protocols), MemberType = typeof(ZooData))]
    public async Task PeerAnswersCloseNotifyThenFin_WithoutTracker_IsNeverReportedAsTruncation(SslProtocols protocol)
    {
        await using var connection = await SslStreamZooConnection.OpenAsync(PeerBehavior.AnswersCloseNotify, protocol, tracked: false);

        TlsCloseResult result = await GracefulTlsClose.CloseAsync(connection.Tls, Patient);

        // The FIN follows the peer's close_notify within microseconds: whether the socket already shows it when
        // SslStream returns 0 is a race. Either report is true; neither may claim a truncation.
        Assert.True(
            result is { Outcome: TlsCloseOutcome.Clean, PeerCloseNotifyReceived: true }
                   or { Outcome: TlsCloseOutcome.PeerClosed, PeerCloseNotifyReceived: null },
            $"Unexpected {result}");
        Assert.True(result.CloseNotifySent);
        Assert.Equal(0, result.DiscardedBytes);
        Assert.Null(result.Error);
        Assert.InRange(result.Elapsed, TimeSpan.Zero, QuickClose);
        Assert.True(await connection.Peer.CloseNotifyReceived);
        Assert.Equal(PeerEnd.EndOfStream, await ZooAssert.TransportClosedAsync(connection));
    }

    [Theory]
    [MemberData(nameof(ZooData.ProtocolsAndTracking), MemberType = typeof(ZooData))]
    public async Task PeerAnswersCloseNotifyAndKeepsSocketOpen_IsClean(SslProtocols protocol, bool tracked)
    {
        await using var connection = await SslStreamZooConnection.OpenAsync(PeerBehavior.AnswersCloseNotifyKeepsOpen, protocol, tracked);

        TlsCloseResult result = await GracefulTlsClose.CloseAsync(connection.Tls, Patient);

        // Without a tracker this is provable too: SslStream returned 0 while the socket shows no FIN.
        Assert.Equal(TlsCloseOutcome.Clean, result.Outcome);
        Assert.True(result.CloseNotifySent);
        Assert.True(result.PeerCloseNotifyReceived);
        Assert.Equal(0, result.DiscardedBytes);
        Assert.Null(result.Error);
        Assert.InRange(result.Elapsed, TimeSpan.Zero, QuickClose);
        Assert.True(await connection.Peer.CloseNotifyReceived);
        Assert.Equal(PeerEnd.EndOfStream, await ZooAssert.TransportClosedAsync(connection));
    }

    [Theory]
    [MemberData(nameof(ZooData.Protocols), MemberType = typeof(ZooData))]
    public async Task PeerClosesWithoutCloseNotify_WithTracker_IsTruncated(SslProtocols protocol)
    {
        await using var connection = await SslStreamZooConnection.OpenAsync(PeerBehavior.ClosesWithoutCloseNotify, protocol, tracked: true);

        TlsCloseResult result = await GracefulTlsClose.CloseAsync(connection.Tls, Patient);

        Assert.Equal(TlsCloseOutcome.Truncated, result.Outcome);
        Assert.True(result.CloseNotifySent);
        Assert.False(result.PeerCloseNotifyReceived);
        Assert.Equal(0, result.DiscardedBytes);
        Assert.IsType<TlsTruncationException>(result.Error);
        Assert.InRange(result.Elapsed, TimeSpan.Zero, QuickClose);
        Assert.True(connection.Tracker!.ReachedEof);
        Assert.True(await connection.Peer.CloseNotifyReceived);
        Assert.Equal(PeerEnd.EndOfStream, await ZooAssert.TransportClosedAsync(connection));
    }

    [Theory]
    [MemberData(nameof(ZooData.Protocols), MemberType = typeof(ZooData))]
    public async Task PeerClosesWithoutCloseNotify_WithoutTracker_IsPeerClosed(SslProtocols protocol)
    {
        await using var connection = await SslStreamZooConnection.OpenAsync(PeerBehavior.ClosesWithoutCloseNotify, protocol, tracked: false);

        TlsCloseResult result = await GracefulTlsClose.CloseAsync(connection.Tls, Patient);

        // SslStream returns 0 for a bare FIN as for close_notify, and the socket is at its end: unknowable.
        Assert.Equal(TlsCloseOutcome.PeerClosed, result.Outcome);
        Assert.True(result.CloseNotifySent);
        Assert.Null(result.PeerCloseNotifyReceived);
        Assert.Equal(0, result.DiscardedBytes);
        Assert.Null(result.Error);
        Assert.InRange(result.Elapsed, TimeSpan.Zero, QuickClose);
        Assert.True(await connection.Peer.CloseNotifyReceived);
        Assert.Equal(PeerEnd.EndOfStream, await ZooAssert.TransportClosedAsync(connection));
    }

    [Theory]
    [MemberData(nameof(ZooData.ProtocolsAndTracking), MemberType = typeof(ZooData))]
    public async Task PeerNeverAnswers_TimesOut(SslProtocols protocol, bool tracked)
    {
        await using var connection = await SslStreamZooConnection.OpenAsync(PeerBehavior.NeverAnswers, protocol, tracked);

        TlsCloseResult result = await GracefulTlsClose.CloseAsync(connection.Tls, new() { SendTimeout = LongWait, PeerCloseTimeout = ShortWait });

        Assert.Equal(TlsCloseOutcome.TimedOut, result.Outcome);
        Assert.True(result.CloseNotifySent);
        Assert.False(result.PeerCloseNotifyReceived);
        Assert.Equal(0, result.DiscardedBytes);
        Assert.Null(result.Error);
        Assert.InRange(result.Elapsed, ShortWait - TimerSlack, QuickClose);
        Assert.True(await connection.Peer.CloseNotifyReceived);
        await ZooAssert.TransportClosedAsync(connection);
    }

    [Theory]
    [MemberData(nameof(ZooData.ProtocolsAndTracking), MemberType = typeof(ZooData))]
    public async Task PeerStopsReading_OurSendStalls_SendFailed(SslProtocols protocol, bool tracked)
    {
        await using var connection = await SslStreamZooConnection.OpenAsync(PeerBehavior.StopsReading, protocol, tracked, socketBufferSize: 8 * 1024);
        Task pendingWrite = await SendBufferFiller.FillAsync(connection.Tls, connection.ClientSocket, connection.PeerSocket);

        TlsCloseResult result = await GracefulTlsClose.CloseAsync(connection.Tls, new() { SendTimeout = ShortWait, PeerCloseTimeout = LongWait });

        Assert.Equal(TlsCloseOutcome.SendFailed, result.Outcome);
        Assert.False(result.CloseNotifySent);
        Assert.Null(result.PeerCloseNotifyReceived);
        Assert.Equal(0, result.DiscardedBytes);
        Assert.IsType<TimeoutException>(result.Error);
        Assert.InRange(result.Elapsed, ShortWait - TimerSlack, QuickClose);

        // The abort released the application's stalled write too.
        await Assert.ThrowsAnyAsync<Exception>(() => pendingWrite.WaitAsync(QuickClose));
        connection.Peer.ResumeReading();
        Assert.False(await connection.Peer.CloseNotifyReceived);
        await ZooAssert.TransportClosedAsync(connection);
    }

    [Theory]
    [MemberData(nameof(ZooData.ProtocolsAndTracking), MemberType = typeof(ZooData))]
    public async Task PeerSendsMegabytesThenCloseNotify_DataIsDiscarded(SslProtocols protocol, bool tracked)
    {
        var peerOptions = new PeerOptions { FloodBytes = 3 * 1024 * 1024 };
        await using var connection = await SslStreamZooConnection.OpenAsync(PeerBehavior.SendsDataThenClosesCleanly, protocol, tracked, peerOptions);

        TlsCloseResult result = await GracefulTlsClose.CloseAsync(
            connection.Tls,
            new() { SendTimeout = LongWait, PeerCloseTimeout = LongWait, MaxDiscardBytes = 16 * 1024 * 1024 });

        if (tracked)
        {
            Assert.Equal(TlsCloseOutcome.Clean, result.Outcome);
            Assert.True(result.PeerCloseNotifyReceived);
        }
        else
        {
            // As with a peer that answers at once: close_notify then FIN, a race for the socket check.
            Assert.True(
                result is { Outcome: TlsCloseOutcome.Clean, PeerCloseNotifyReceived: true }
                       or { Outcome: TlsCloseOutcome.PeerClosed, PeerCloseNotifyReceived: null },
                $"Unexpected {result}");
        }

        Assert.True(result.CloseNotifySent);
        Assert.Equal(peerOptions.FloodBytes, result.DiscardedBytes);
        Assert.Equal(peerOptions.FloodBytes, connection.Peer.ApplicationBytesSent);
        Assert.Null(result.Error);
        Assert.InRange(result.Elapsed, TimeSpan.Zero, QuickClose);
        Assert.True(await connection.Peer.CloseNotifyReceived);
        Assert.Equal(PeerEnd.EndOfStream, await ZooAssert.TransportClosedAsync(connection));
    }

    [Theory]
    [MemberData(nameof(ZooData.ProtocolsAndTracking), MemberType = typeof(ZooData))]
    public async Task PeerSendsMoreThanTheDiscardLimit_DiscardLimitExceeded(SslProtocols protocol, bool tracked)
    {
        const long limit = 64 * 1024;

        // More than loopback's TCP buffers can hold, so that the peer cannot get it all out before the cut.
        var peerOptions = new PeerOptions { FloodBytes = 64 * 1024 * 1024 };
        await using var connection = await SslStreamZooConnection.OpenAsync(PeerBehavior.SendsDataThenClosesCleanly, protocol, tracked, peerOptions);

        TlsCloseResult result = await GracefulTlsClose.CloseAsync(
            connection.Tls,
            new() { SendTimeout = LongWait, PeerCloseTimeout = LongWait, MaxDiscardBytes = limit });

        AssertDiscardLimitExceeded(result, limit);
        Assert.True(await connection.Peer.CloseNotifyReceived);
        await ZooAssert.TransportClosedAsync(connection);
        Assert.True(connection.Peer.ApplicationBytesSent < peerOptions.FloodBytes, "The peer got to send everything.");
    }

    [Theory]
    [MemberData(nameof(ZooData.ProtocolsAndTracking), MemberType = typeof(ZooData))]
    public async Task PeerFloodsWithoutEnd_DiscardLimitExceeded(SslProtocols protocol, bool tracked)
    {
        const long limit = 256 * 1024;
        await using var connection = await SslStreamZooConnection.OpenAsync(PeerBehavior.FloodsWithoutEnd, protocol, tracked);

        TlsCloseResult result = await GracefulTlsClose.CloseAsync(
            connection.Tls,
            new() { SendTimeout = LongWait, PeerCloseTimeout = LongWait, MaxDiscardBytes = limit });

        AssertDiscardLimitExceeded(result, limit);
        Assert.True(await connection.Peer.CloseNotifyReceived);

        // The flood ends only because the close cut the connection: the peer's next write failed.
        Assert.Equal(PeerEnd.Reset, await ZooAssert.TransportClosedAsync(connection));
    }

    [Theory]
    [MemberData(nameof(ZooData.Protocols), MemberType = typeof(ZooData))]
    public async Task PeerFloodsWithoutEnd_UnderAHighDiscardLimit_TimesOutAfterDiscarding(SslProtocols protocol)
    {
        await using var connection = await SslStreamZooConnection.OpenAsync(PeerBehavior.FloodsWithoutEnd, protocol, tracked: true);
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
        Assert.Equal(PeerEnd.Reset, await ZooAssert.TransportClosedAsync(connection));
    }

    [Theory]
    [MemberData(nameof(ZooData.ProtocolsAndTracking), MemberType = typeof(ZooData))]
    public async Task PeerResets_IsTruncated(SslProtocols protocol, bool tracked)
    {
        await using var connection = await SslStreamZooConnection.OpenAsync(PeerBehavior.Resets, protocol, tracked);

        TlsCloseResult result = await GracefulTlsClose.CloseAsync(connection.Tls, Patient);

        Assert.Equal(TlsCloseOutcome.Truncated, result.Outcome);
        Assert.True(result.CloseNotifySent);
        Assert.False(result.PeerCloseNotifyReceived);
        Assert.Equal(0, result.DiscardedBytes);
        SocketException? reset = ZooAssert.FindInChain<SocketException>(result.Error);
        Assert.NotNull(reset);
        Assert.Equal(SocketError.ConnectionReset, reset.SocketErrorCode);
        Assert.InRange(result.Elapsed, TimeSpan.Zero, QuickClose);
        Assert.True(await connection.Peer.CloseNotifyReceived);
        Assert.Equal(PeerEnd.ClosedByPeer, await ZooAssert.TransportClosedAsync(connection));
    }

    [Theory]
    [MemberData(nameof(ZooData.ProtocolsAndTracking), MemberType = typeof(ZooData))]
    public async Task PeerSendsGarbage_IsProtocolError(SslProtocols protocol, bool tracked)
    {
        await using var connection = await SslStreamZooConnection.OpenAsync(PeerBehavior.SendsGarbage, protocol, tracked);

        TlsCloseResult result = await GracefulTlsClose.CloseAsync(connection.Tls, Patient);

        Assert.Equal(TlsCloseOutcome.ProtocolError, result.Outcome);
        Assert.True(result.CloseNotifySent);
        Assert.False(result.PeerCloseNotifyReceived);
        Assert.Equal(0, result.DiscardedBytes);
        Assert.NotNull(result.Error);
        Assert.Null(ZooAssert.FindInChain<SocketException>(result.Error));
        Assert.InRange(result.Elapsed, TimeSpan.Zero, QuickClose);
        Assert.True(await connection.Peer.CloseNotifyReceived);
        await ZooAssert.TransportClosedAsync(connection);
    }

    [Theory]
    [MemberData(nameof(ZooData.ProtocolsAndTracking), MemberType = typeof(ZooData))]
    public async Task WaitingSwitchedOff_NotAwaited(SslProtocols protocol, bool tracked)
    {
        await using var connection = await SslStreamZooConnection.OpenAsync(PeerBehavior.AnswersCloseNotify, protocol, tracked);

        TlsCloseResult result = await GracefulTlsClose.CloseAsync(connection.Tls, new() { PeerCloseTimeout = TimeSpan.Zero });

        Assert.Equal(TlsCloseOutcome.NotAwaited, result.Outcome);
        Assert.True(result.CloseNotifySent);
        Assert.Null(result.PeerCloseNotifyReceived);
        Assert.Equal(0, result.DiscardedBytes);
        Assert.Null(result.Error);
        Assert.InRange(result.Elapsed, TimeSpan.Zero, QuickClose);

        // Not waiting does not mean not sending: the peer got our close_notify before the end of the connection.
        Assert.True(await connection.Peer.CloseNotifyReceived);
        await ZooAssert.TransportClosedAsync(connection);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task NeverAuthenticated_NotConnected(bool tracked)
    {
        await using var connection = await SslStreamZooConnection.OpenAsync(
            PeerBehavior.AnswersCloseNotify, SslProtocols.Tls13, tracked, authenticate: false);

        TlsCloseResult result = await GracefulTlsClose.CloseAsync(connection.Tls, Patient);

        Assert.Equal(TlsCloseOutcome.NotConnected, result.Outcome);
        Assert.False(result.CloseNotifySent);
        Assert.Null(result.PeerCloseNotifyReceived);
        Assert.Equal(0, result.DiscardedBytes);
        Assert.Null(result.Error);
        Assert.InRange(result.Elapsed, TimeSpan.Zero, QuickClose);

        // Nothing to send, but the transport is still released: the peer's handshake met the end of the stream.
        await Assert.ThrowsAnyAsync<Exception>(() => connection.Peer.Handshake);
        Assert.Equal(PeerEnd.EndOfStream, await ZooAssert.TransportClosedAsync(connection));
    }

    [Theory]
    [MemberData(nameof(ZooData.ProtocolsAndTracking), MemberType = typeof(ZooData))]
    public async Task AlreadyDisposed_NotConnected(SslProtocols protocol, bool tracked)
    {
        await using var connection = await SslStreamZooConnection.OpenAsync(PeerBehavior.AnswersCloseNotify, protocol, tracked);
        connection.Tls.Dispose();

        TlsCloseResult result = await GracefulTlsClose.CloseAsync(connection.Tls, Patient);

        Assert.Equal(TlsCloseOutcome.NotConnected, result.Outcome);
        Assert.False(result.CloseNotifySent);
        Assert.Null(result.PeerCloseNotifyReceived);
        Assert.InRange(result.Elapsed, TimeSpan.Zero, QuickClose);
        Assert.False(await connection.Peer.CloseNotifyReceived);
        await ZooAssert.TransportClosedAsync(connection);
    }

    [Theory]
    [MemberData(nameof(ZooData.ProtocolsAndTracking), MemberType = typeof(ZooData))]
    public async Task TransportClosedByTheApplication_NotConnected(SslProtocols protocol, bool tracked)
    {
        await using var connection = await SslStreamZooConnection.OpenAsync(PeerBehavior.AnswersCloseNotify, protocol, tracked);
        connection.ClientSocket.Dispose();

        TlsCloseResult result = await GracefulTlsClose.CloseAsync(connection.Tls, Patient);

        Assert.Equal(TlsCloseOutcome.NotConnected, result.Outcome);
        Assert.False(result.CloseNotifySent);
        Assert.Null(result.PeerCloseNotifyReceived);
        Assert.NotNull(ZooAssert.FindInChain<ObjectDisposedException>(result.Error));
        Assert.InRange(result.Elapsed, TimeSpan.Zero, QuickClose);
        Assert.False(await connection.Peer.CloseNotifyReceived);
        await ZooAssert.TransportClosedAsync(connection);
    }

    [Theory]
    [InlineData(SslProtocols.Tls12, true, false)]
    [InlineData(SslProtocols.Tls12, false, false)]
    [InlineData(SslProtocols.Tls13, true, false)]
    [InlineData(SslProtocols.Tls13, false, false)]
    [InlineData(SslProtocols.Tls12, true, true)]
    [InlineData(SslProtocols.Tls13, false, true)]
    public async Task ApplicationSentCloseNotifyAlready_CloseStillWaitsForThePeer(SslProtocols protocol, bool tracked, bool blocking)
    {
        await using var connection = await SslStreamZooConnection.OpenAsync(PeerBehavior.AnswersCloseNotifyKeepsOpen, protocol, tracked);
        await connection.Tls.ShutdownAsync();

        TlsCloseResult result = blocking
            ? await Task.Run(() => GracefulTlsClose.Close(connection.Tls, Patient))
            : await GracefulTlsClose.CloseAsync(connection.Tls, Patient);

        Assert.Equal(TlsCloseOutcome.Clean, result.Outcome);
        Assert.True(result.CloseNotifySent);
        Assert.True(result.PeerCloseNotifyReceived);
        Assert.Null(result.Error);
        Assert.InRange(result.Elapsed, TimeSpan.Zero, QuickClose);
        Assert.True(await connection.Peer.CloseNotifyReceived);
        Assert.Equal(PeerEnd.EndOfStream, await ZooAssert.TransportClosedAsync(connection));
    }

    private static void AssertDiscardLimitExceeded(TlsCloseResult result, long limit)
    {
        Assert.Equal(TlsCloseOutcome.DiscardLimitExceeded, result.Outcome);
        Assert.True(result.CloseNotifySent);
        Assert.False(result.PeerCloseNotifyReceived);

        // The close stops at the first read that crosses the limit; a read returns at most one 16 KiB record.
        Assert.InRange(result.DiscardedBytes, limit + 1, limit + (16 * 1024));
        Assert.Null(result.Error);
        Assert.InRange(result.Elapsed, TimeSpan.Zero, QuickClose);
    }
}
