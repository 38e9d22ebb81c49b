using System.Security.Authentication;
using TlsShutdown.Tests.Infrastructure;

namespace TlsShutdown.Tests;

/// <summary>A thousand closes through the zoo leave no descriptor open and no task exception unobserved.</summary>
[Collection(ProcessWideCollection.Name)]
public sealed class LeakTests
{
    private const int Closes = 1000;
    private const int Concurrency = 16;

    /// <summary>
    /// Descriptors the runtime may open on its own between the two counts and keep: a thread-pool thread's
    /// epoll/eventfd pair, the socket engine's extra epoll threads, a lazily loaded native library. A leak
    /// in the close would show as hundreds (one or two per close), not as a handful.
    /// </summary>
    private const int RuntimeTolerance = 10;

    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan Patient = TimeSpan.FromSeconds(10);

    private enum Kind
    {
        Clean,
        AnswersThenFin,
        NotAwaited,
        FinWithoutCloseNotify,
        Reset,
        Garbage,
        Flood,
        DataThenCloseNotify,
        Silent,
        Canceled,
        StalledSend,
        NotAuthenticated,
    }

    [Fact]
    public async Task ThousandClosesThroughTheZoo_LeaveNoDescriptorsAndNoUnobservedExceptions()
    {
        var unobserved = new List<Exception>();
        EventHandler<UnobservedTaskExceptionEventArgs> onUnobserved = (_, e) =>
        {
            lock (unobserved)
            {
                unobserved.Add(e.Exception);
            }
        };
        TaskScheduler.UnobservedTaskException += onUnobserved;
        try
        {
            // Warm up: certificates, thread pool, socket engine and TLS libraries reach their steady state.
            await RunAsync(Enumerable.Range(0, 2 * Enum.GetValues<Kind>().Length));
            int before = OpenDescriptors();

            await RunAsync(Enumerable.Range(0, Closes));

            int after = OpenDescriptors();
            Assert.True(after <= before + RuntimeTolerance, $"{after - before} more descriptors are open after {Closes} closes ({before} before, {after} after).");

            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        finally
        {
            TaskScheduler.UnobservedTaskException -= onUnobserved;
        }

        Assert.Empty(unobserved);
    }

    private static Task RunAsync(IEnumerable<int> closes) =>
        Parallel.ForEachAsync(closes, new ParallelOptions { MaxDegreeOfParallelism = Concurrency }, async (i, _) => await CloseOnceAsync(i));

    private static async Task CloseOnceAsync(int i)
    {
        Kind[] kinds = Enum.GetValues<Kind>();
        Kind kind = kinds[i % kinds.Length];
        SslProtocols protocol = TestTls.Protocols[i / kinds.Length % 2];
        bool tracked = i / (2 * kinds.Length) % 2 == 0;
        bool blocking = i % 7 == 0;

        (PeerBehavior behavior, TlsCloseOptions options, TlsCloseOutcome[] expected) = kind switch
        {
            Kind.Clean => (PeerBehavior.AnswersCloseNotifyKeepsOpen, Options(), new TlsCloseOutcome[] { TlsCloseOutcome.Clean }),
            Kind.AnswersThenFin => (PeerBehavior.AnswersCloseNotify, Options(), new TlsCloseOutcome[] { TlsCloseOutcome.Clean, TlsCloseOutcome.PeerClosed }),
            Kind.NotAwaited => (PeerBehavior.AnswersCloseNotify, Options() with { PeerCloseTimeout = TimeSpan.Zero }, new TlsCloseOutcome[] { TlsCloseOutcome.NotAwaited }),
            Kind.FinWithoutCloseNotify => (PeerBehavior.ClosesWithoutCloseNotify, Options(), new TlsCloseOutcome[] { tracked ? TlsCloseOutcome.Truncated : TlsCloseOutcome.PeerClosed }),
            Kind.Reset => (PeerBehavior.Resets, Options(), new TlsCloseOutcome[] { TlsCloseOutcome.Truncated }),
            Kind.Garbage => (PeerBehavior.SendsGarbage, Options(), new TlsCloseOutcome[] { TlsCloseOutcome.ProtocolError }),
            Kind.Flood => (PeerBehavior.FloodsWithoutEnd, Options() with { MaxDiscardBytes = 32 * 1024 }, new TlsCloseOutcome[] { TlsCloseOutcome.DiscardLimitExceeded }),
            Kind.DataThenCloseNotify => (PeerBehavior.SendsDataThenClosesCleanly, Options(), new TlsCloseOutcome[] { TlsCloseOutcome.Clean, TlsCloseOutcome.PeerClosed }),
            Kind.Silent => (PeerBehavior.NeverAnswers, Options() with { PeerCloseTimeout = Short }, new TlsCloseOutcome[] { TlsCloseOutcome.TimedOut }),
            Kind.Canceled => (PeerBehavior.NeverAnswers, Options(), Array.Empty<TlsCloseOutcome>()),
            Kind.StalledSend => (PeerBehavior.StopsReading, Options() with { SendTimeout = Short }, new TlsCloseOutcome[] { TlsCloseOutcome.SendFailed }),
            Kind.NotAuthenticated => (PeerBehavior.AnswersCloseNotify, Options(), new TlsCloseOutcome[] { TlsCloseOutcome.NotConnected }),
            _ => throw new InvalidOperationException($"No scenario for {kind}."),
        };

        // Not disposed here: the client's side is the close's to release, so that a leak in it shows in the count.
        SslStreamZooConnection connection = await SslStreamZooConnection.OpenAsync(
            behavior,
            protocol,
            tracked,
            new PeerOptions { FloodBytes = 64 * 1024 },
            socketBufferSize: kind == Kind.StalledSend ? 8 * 1024 : null,
            authenticate: kind != Kind.NotAuthenticated);
        try
        {
            await CloseAndCheckAsync(connection, kind, tracked, blocking, options, expected);
        }
        finally
        {
            await connection.Peer.DisposeAsync();
        }
    }

    private static async Task CloseAndCheckAsync(
        SslStreamZooConnection connection, Kind kind, bool tracked, bool blocking, TlsCloseOptions options, TlsCloseOutcome[] expected)
    {
        Task? pendingWrite = kind == Kind.StalledSend
            ? await SendBufferFiller.FillAsync(connection.Tls, connection.ClientSocket, connection.PeerSocket)
            : null;

        if (kind == Kind.Canceled)
        {
            using var cancellation = new CancellationTokenSource();
            Task<TlsCloseResult> close = GracefulTlsClose.CloseAsync(connection.Tls, options, cancellation.Token);
            await connection.Peer.CloseNotifyReceived.WaitAsync(Patient);
            cancellation.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => close.WaitAsync(Patient));
        }
        else
        {
            TlsCloseResult result = blocking
                ? await Task.Run(() => GracefulTlsClose.Close(connection.Tls, options))
                : await GracefulTlsClose.CloseAsync(connection.Tls, options);
            Assert.Contains(result.Outcome, expected);
        }

        if (pendingWrite is not null)
        {
            await Assert.ThrowsAnyAsync<Exception>(() => pendingWrite.WaitAsync(Patient));
            connection.Peer.ResumeReading();
        }

        await ZooAssert.TransportClosedAsync(connection);
    }

    private static TlsCloseOptions Options() => new() { SendTimeout = Patient, PeerCloseTimeout = Patient };

    private static int OpenDescriptors() => OperatingSystem.IsLinux()
        ? Directory.GetFiles("/proc/self/fd").Length
        : throw new PlatformNotSupportedException("Counting descriptors needs Linux /proc.");
}
