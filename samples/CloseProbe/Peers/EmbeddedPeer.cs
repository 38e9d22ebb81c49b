using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using TlsShutdown;

namespace CloseProbe.Peers;

/// <summary>
/// What one connection's peer observed, and the signal the client gives once its close has finished.
/// </summary>
internal sealed class PeerSession
{
    private readonly TaskCompletionSource<PeerSaw> _saw = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _clientDone = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The first thing the peer saw of our close.</summary>
    public Task<PeerSaw> Saw => _saw.Task;

    /// <summary>Completes when the client's close has returned (or was abandoned).</summary>
    public Task ClientDone => _clientDone.Task;

    public void Report(PeerSaw saw) => _saw.TrySetResult(saw);

    public void MarkClientDone() => _clientDone.TrySetResult();
}

/// <summary>
/// A TLS server on 127.0.0.1 that behaves one way when the client closes. It is an SslStream over an
/// <see cref="EofTrackingStream"/>, so it can tell the client's close_notify (a read of 0 with the transport
/// still open) from a bare FIN (the transport ended) and from a reset (the read failed).
/// </summary>
internal sealed class EmbeddedPeer : IAsyncDisposable
{
    // Small socket buffers so that a peer that stops reading stalls the client's sends after a few hundred KB.
    private const int StopsReadingBufferSize = 32 * 1024;

    // How long a peer that holds the connection waits for the client before giving up on it.
    private static readonly TimeSpan HoldLimit = TimeSpan.FromSeconds(30);

    private readonly Socket _listener;
    private readonly ConcurrentDictionary<int, PeerSession> _sessions;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;
    private readonly ConcurrentBag<Task> _connections = [];

    public EmbeddedPeer(PeerBehavior behavior, ConcurrentDictionary<int, PeerSession> sessions)
    {
        Behavior = behavior;
        _sessions = sessions;
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        if (behavior == PeerBehavior.StopsReading)
        {
            // Accepted sockets inherit the listener's buffer sizes, and the TCP window follows them.
            _listener.ReceiveBufferSize = _listener.SendBufferSize = StopsReadingBufferSize;
        }

        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(64);
        EndPoint = (IPEndPoint)_listener.LocalEndPoint!;
        _acceptLoop = AcceptLoopAsync();
    }

    public PeerBehavior Behavior { get; }

    public IPEndPoint EndPoint { get; }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        await _acceptLoop.ConfigureAwait(false);
        await Task.WhenAll(_connections).ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }

            _connections.Add(Task.Run(() => ServeAsync(socket)));
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        PeerSession? session = null;
        var tracker = new EofTrackingStream(new NetworkStream(socket, ownsSocket: true));
        var tls = new SslStream(tracker);
        try
        {
            socket.NoDelay = true;
            using var handshakeTimeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            handshakeTimeout.CancelAfter(TimeSpan.FromSeconds(10));
            await tls.AuthenticateAsServerAsync(
                new SslServerAuthenticationOptions
                {
                    ServerCertificate = ProbeCertificate.Server,
                    EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                },
                handshakeTimeout.Token).ConfigureAwait(false);

            // The client names its probe so that what we see lands in the right row.
            string hello = await ReadLineAsync(tls, handshakeTimeout.Token).ConfigureAwait(false);
            if (!hello.StartsWith("PING ", StringComparison.Ordinal) || !int.TryParse(hello.AsSpan(5), out int id)
                || !_sessions.TryGetValue(id, out session))
            {
                return;
            }

            await tls.WriteAsync("PONG\n"u8.ToArray(), handshakeTimeout.Token).ConfigureAwait(false);
            await BehaveAsync(tls, tracker, socket, session).ConfigureAwait(false);
        }
        catch (Exception error) when (session is not null)
        {
            session.Report(Classify(error));
        }
        catch (Exception)
        {
            // A connection that never became a probe (a failed handshake, the probe ending): nothing to report.
        }
        finally
        {
            session?.Report(PeerSaw.Nothing);
            tls.Dispose();
        }
    }

    private async Task BehaveAsync(SslStream tls, EofTrackingStream tracker, Socket socket, PeerSession session)
    {
        using var hold = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        hold.CancelAfter(HoldLimit);
        switch (Behavior)
        {
            case PeerBehavior.AnswersCloseNotify:
            {
                PeerSaw saw = await ObserveAsync(tls, tracker, hold.Token).ConfigureAwait(false);
                session.Report(saw);
                if (saw == PeerSaw.CloseNotify)
                {
                    // Our own close_notify, then the FIN (tls.Dispose in ServeAsync).
                    await tls.ShutdownAsync().WaitAsync(hold.Token).ConfigureAwait(false);
                }

                break;
            }

            case PeerBehavior.ClosesTcpOnly:
                session.Report(await ObserveAsync(tls, tracker, hold.Token).ConfigureAwait(false));
                break; // SslStream.Dispose: a FIN with no close_notify.

            case PeerBehavior.NeverAnswers:
                session.Report(await ObserveAsync(tls, tracker, hold.Token).ConfigureAwait(false));

                // Say nothing and keep the connection open until the client has given up and closed it.
                await WaitQuietlyAsync(session.ClientDone, hold.Token).ConfigureAwait(false);
                break;

            case PeerBehavior.StopsReading:
                // Read nothing until the client's close is over; then look at what arrived.
                await WaitQuietlyAsync(session.ClientDone, hold.Token).ConfigureAwait(false);
                session.Report(await ObserveAsync(tls, tracker, hold.Token).ConfigureAwait(false));
                break;

            case PeerBehavior.KeepsSending:
            {
                // Stream data from the start and ignore the client's close_notify: stop only when the client is gone.
                Task<PeerSaw> observe = ObserveAsync(tls, tracker, hold.Token);
                _ = observe.ContinueWith(
                    t => session.Report(t.Result),
                    CancellationToken.None,
                    TaskContinuationOptions.ExecuteSynchronously | TaskContinuationOptions.OnlyOnRanToCompletion,
                    TaskScheduler.Default);
                byte[] chunk = new byte[16 * 1024];
                try
                {
                    while (!session.ClientDone.IsCompleted && !hold.IsCancellationRequested)
                    {
                        await tls.WriteAsync(chunk, hold.Token).ConfigureAwait(false);
                    }
                }
                catch (Exception)
                {
                    // The client closed the connection under our write: the end of the stream.
                }

                session.Report(await observe.ConfigureAwait(false));
                break;
            }

            case PeerBehavior.Resets:
                session.Report(await ObserveAsync(tls, tracker, hold.Token).ConfigureAwait(false));
                socket.Linger(TimeSpan.Zero);
                break; // Closing with a zero linger sends RST.

            default:
                throw new ArgumentOutOfRangeException(nameof(session), Behavior, null);
        }
    }

    /// <summary>Reads (and drops) until the client's side ends, and says how it ended.</summary>
    private static async Task<PeerSaw> ObserveAsync(SslStream tls, EofTrackingStream tracker, CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[16 * 1024];
        try
        {
            while (await tls.ReadAsync(buffer, cancellationToken).ConfigureAwait(false) > 0)
            {
            }
        }
        catch (OperationCanceledException)
        {
            return PeerSaw.Nothing;
        }
        catch (Exception error)
        {
            return Classify(error);
        }

        // SslStream returns 0 for both: only the transport underneath tells a close_notify from a bare FIN.
        return tracker.ReachedEof ? PeerSaw.FinWithoutCloseNotify : PeerSaw.CloseNotify;
    }

    private static PeerSaw Classify(Exception error)
    {
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            if (e is SocketException { SocketErrorCode: SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Shutdown })
            {
                return PeerSaw.Reset;
            }
        }

        // SslStream reports an EOF in the middle of a record as an IOException of its own.
        return error is IOException ? PeerSaw.FinWithoutCloseNotify : PeerSaw.Nothing;
    }

    private static async Task WaitQuietlyAsync(Task task, CancellationToken cancellationToken)
    {
        try
        {
            await task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Waiting ends either way.
        }
    }

    private static async Task<string> ReadLineAsync(Stream stream, CancellationToken cancellationToken)
    {
        var line = new StringBuilder();
        byte[] one = new byte[1];
        while (line.Length < 64 && await stream.ReadAsync(one, cancellationToken).ConfigureAwait(false) == 1 && one[0] != (byte)'\n')
        {
            line.Append((char)one[0]);
        }

        return line.ToString();
    }
}

internal static class SocketExtensions
{
    public static void Linger(this Socket socket, TimeSpan time)
    {
        try
        {
            socket.LingerState = new LingerOption(true, (int)time.TotalSeconds);
        }
        catch (Exception)
        {
            // Already closed.
        }
    }
}
