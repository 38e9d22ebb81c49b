using System.Diagnostics;
using System.Security.Authentication;
using TlsShutdown.Tests.Infrastructure;

namespace TlsShutdown.Tests;

/// <summary>A canceled close aborts the transport and throws <see cref="OperationCanceledException"/>.</summary>
public sealed class CancellationTests
{
    /// <summary>Longer than any test may take: only the cancellation can end these closes.</summary>
    private static readonly TlsCloseOptions NeverEnding = new() { SendTimeout = TimeSpan.FromMinutes(5), PeerCloseTimeout = TimeSpan.FromMinutes(5) };

    private static readonly TimeSpan QuickEnd = TimeSpan.FromSeconds(5);

    [Theory]
    [MemberData(nameof(ZooData.ProtocolsAndTracking), MemberType = typeof(ZooData))]
    public async Task CanceledWhileWaitingForThePeer_AbortsTheTransportAndThrows(SslProtocols protocol, bool tracked)
    {
        await using var connection = await SslStreamZooConnection.OpenAsync(PeerBehavior.NeverAnswers, protocol, tracked);
        using var cancellation = new CancellationTokenSource();

        Task<TlsCloseResult> close = GracefulTlsClose.CloseAsync(connection.Tls, NeverEnding, cancellation.Token);

        // Our close_notify reached the peer: the close is now waiting for the peer's, which never comes.
        Assert.True(await connection.Peer.CloseNotifyReceived.WaitAsync(QuickEnd));
        Assert.False(close.IsCompleted);
        var sinceCancel = Stopwatch.StartNew();
        cancellation.Cancel();

        OperationCanceledException canceled = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => close.WaitAsync(QuickEnd));
        Assert.Equal(cancellation.Token, canceled.CancellationToken);
        Assert.InRange(sinceCancel.Elapsed, TimeSpan.Zero, QuickEnd);
        await ZooAssert.TransportClosedAsync(connection);
    }

    [Theory]
    [MemberData(nameof(ZooData.ProtocolsAndTracking), MemberType = typeof(ZooData))]
    public async Task CanceledWhileOurSendIsStalled_AbortsTheTransportAndThrows(SslProtocols protocol, bool tracked)
    {
        await using var connection = await SslStreamZooConnection.OpenAsync(PeerBehavior.StopsReading, protocol, tracked, socketBufferSize: 8 * 1024);
        Task pendingWrite = await SendBufferFiller.FillAsync(connection.Tls, connection.ClientSocket, connection.PeerSocket);
        using var cancellation = new CancellationTokenSource();

        Task<TlsCloseResult> close = GracefulTlsClose.CloseAsync(connection.Tls, NeverEnding, cancellation.Token);
        Assert.False(close.IsCompleted);
        cancellation.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => close.WaitAsync(QuickEnd));
        await Assert.ThrowsAnyAsync<Exception>(() => pendingWrite.WaitAsync(QuickEnd));
        connection.Peer.ResumeReading();
        Assert.False(await connection.Peer.CloseNotifyReceived.WaitAsync(QuickEnd));
        await ZooAssert.TransportClosedAsync(connection);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task CanceledBeforeTheClose_SendsNothingClosesTheTransportAndThrows(bool tracked)
    {
        await using var connection = await SslStreamZooConnection.OpenAsync(PeerBehavior.AnswersCloseNotify, SslProtocols.Tls13, tracked);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => GracefulTlsClose.CloseAsync(connection.Tls, NeverEnding, new CancellationToken(canceled: true)));

        Assert.False(await connection.Peer.CloseNotifyReceived.WaitAsync(QuickEnd));
        await ZooAssert.TransportClosedAsync(connection);
    }
}
