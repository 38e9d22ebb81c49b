using System.Net.Sockets;
using System.Security.Authentication;
using TlsShutdown.Tests.Infrastructure;

namespace TlsShutdown.Tests;

/// <summary>
/// <see cref="GracefulTlsClose.Close(System.Net.Security.SslStream, TlsCloseOptions?)"/>, the blocking close, produces
/// every <see cref="TlsCloseOutcome"/> as the async one does. The data is generated from the enum, so an outcome
/// added without a scenario fails here.
/// </summary>
public sealed class SyncCloseTests
{
    private static readonly TimeSpan LongWait = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ShortWait = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan QuickClose = TimeSpan.FromSeconds(5);

    public static TheoryData<TlsCloseOutcome, bool, SslProtocols> EveryOutcome
    {
        get
        {
            var data = new TheoryData<TlsCloseOutcome, bool, SslProtocols>();
            foreach (TlsCloseOutcome outcome in Enum.GetValues<TlsCloseOutcome>())
            {
                foreach (bool tracked in new[] { true, false })
                {
                    // With a tracker the end of the connection is always observable: PeerClosed cannot happen.
                    if (outcome == TlsCloseOutcome.PeerClosed && tracked)
                    {
                        continue;
                    }

                    foreach (SslProtocols protocol in TestTls.Protocols)
                    {
                        data.Add(outcome, tracked, protocol);
                    }
                }
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(EveryOutcome))]
    public async Task BlockingClose_ProducesTheOutcome(TlsCloseOutcome expected, bool tracked, SslProtocols protocol)
    {
        (PeerBehavior behavior, TlsCloseOptions options) = Scenario(expected, tracked);
        await using var connection = await SslStreamZooConnection.OpenAsync(
            behavior,
            protocol,
            tracked,
            socketBufferSize: behavior == PeerBehavior.StopsReading ? 8 * 1024 : null,
            authenticate: expected != TlsCloseOutcome.NotConnected);
        Task? pendingWrite = behavior == PeerBehavior.StopsReading
            ? await SendBufferFiller.FillAsync(connection.Tls, connection.ClientSocket, connection.PeerSocket)
            : null;

        // On a pool thread, as blocking code runs: the test's own thread stays free.
        TlsCloseResult result = await Task.Run(() => GracefulTlsClose.Close(connection.Tls, options));

        Assert.Equal(expected, result.Outcome);
        Assert.InRange(result.Elapsed, TimeSpan.Zero, QuickClose);
        switch (expected)
        {
            case TlsCloseOutcome.Clean:
                Assert.True(result.CloseNotifySent);
                Assert.True(result.PeerCloseNotifyReceived);
                Assert.Null(result.Error);
                break;
            case TlsCloseOutcome.NotAwaited:
            case TlsCloseOutcome.PeerClosed:
                Assert.True(result.CloseNotifySent);
                Assert.Null(result.PeerCloseNotifyReceived);
                Assert.Null(result.Error);
                break;
            case TlsCloseOutcome.Truncated:
                Assert.True(result.CloseNotifySent);
                Assert.False(result.PeerCloseNotifyReceived);
                if (tracked)
                {
                    Assert.IsType<TlsTruncationException>(result.Error);
                }
                else
                {
                    Assert.Equal(SocketError.ConnectionReset, ZooAssert.FindInChain<SocketException>(result.Error)?.SocketErrorCode);
                }

                break;
            case TlsCloseOutcome.TimedOut:
                Assert.True(result.CloseNotifySent);
                Assert.False(result.PeerCloseNotifyReceived);
                Assert.Equal(0, result.DiscardedBytes);
                Assert.True(result.Elapsed >= ShortWait - TimeSpan.FromMilliseconds(20), $"Timed out after {result.Elapsed}.");
                break;
            case TlsCloseOutcome.DiscardLimitExceeded:
                Assert.True(result.CloseNotifySent);
                Assert.False(result.PeerCloseNotifyReceived);
                Assert.InRange(result.DiscardedBytes, options.MaxDiscardBytes + 1, options.MaxDiscardBytes + (16 * 1024));
                break;
            case TlsCloseOutcome.SendFailed:
                Assert.False(result.CloseNotifySent);
                Assert.IsType<TimeoutException>(result.Error);
                Assert.True(result.Elapsed >= ShortWait - TimeSpan.FromMilliseconds(20), $"Gave up after {result.Elapsed}.");
                await Assert.ThrowsAnyAsync<Exception>(() => pendingWrite!.WaitAsync(QuickClose));
                connection.Peer.ResumeReading();
                break;
            case TlsCloseOutcome.NotConnected:
                Assert.False(result.CloseNotifySent);
                Assert.Null(result.PeerCloseNotifyReceived);
                break;
            case TlsCloseOutcome.ProtocolError:
                Assert.True(result.CloseNotifySent);
                Assert.False(result.PeerCloseNotifyReceived);
                Assert.NotNull(result.Error);
                Assert.Null(ZooAssert.FindInChain<SocketException>(result.Error));
                break;
        }

        await ZooAssert.TransportClosedAsync(connection);
    }

    private static (PeerBehavior Behavior, TlsCloseOptions Options) Scenario(TlsCloseOutcome outcome, bool tracked)
    {
        var patient = new TlsCloseOptions { SendTimeout = LongWait, PeerCloseTimeout = LongWait };
        return outcome switch
        {
            TlsCloseOutcome.Clean => (PeerBehavior.AnswersCloseNotifyKeepsOpen, patient),
            TlsCloseOutcome.NotAwaited => (PeerBehavior.AnswersCloseNotify, patient with { PeerCloseTimeout = TimeSpan.Zero }),
            TlsCloseOutcome.PeerClosed => (PeerBehavior.ClosesWithoutCloseNotify, patient),
            TlsCloseOutcome.Truncated => (tracked ? PeerBehavior.ClosesWithoutCloseNotify : PeerBehavior.Resets, patient),
            TlsCloseOutcome.TimedOut => (PeerBehavior.NeverAnswers, patient with { PeerCloseTimeout = ShortWait }),
            TlsCloseOutcome.DiscardLimitExceeded => (PeerBehavior.FloodsWithoutEnd, patient with { MaxDiscardBytes = 64 * 1024 }),
            TlsCloseOutcome.SendFailed => (PeerBehavior.StopsReading, patient with { SendTimeout = ShortWait }),
            TlsCloseOutcome.NotConnected => (PeerBehavior.AnswersCloseNotify, patient),
            TlsCloseOutcome.ProtocolError => (PeerBehavior.SendsGarbage, patient),
            _ => throw new InvalidOperationException($"No scenario produces {outcome}: add one."),
        };
    }
}
