using System.Collections.Concurrent;
using System.Net.Sockets;

namespace TlsShutdown.Closing;

/// <summary>
/// What the close procedure needs from one kind of TLS stream: send our close_notify, read what the peer
/// sends, say how a read ended, and tear down. One subclass per stream type keeps the procedure itself
/// (bounds, discard, outcomes, metrics) in one place; what both stream types share (abort, dispose, the claim
/// on a stream that one close at a time may hold) is here.
/// </summary>
internal abstract class CloseTarget
{
    // The streams being closed right now: a second close of the same stream must not tear down the first one's
    // connection (the first would then report a truncation the peer never caused).
    private static readonly ConcurrentDictionary<Stream, bool> Closing = new(ReferenceEqualityComparer.Instance);

    private readonly Stream _tlsStream;
    private readonly Stream _transport;
    private readonly bool _leaveTransportOpen;

    protected CloseTarget(Stream tlsStream, Stream transport, bool leaveTransportOpen)
    {
        _tlsStream = tlsStream;
        _transport = transport;
        _leaveTransportOpen = leaveTransportOpen;
    }

    /// <summary>The stream type, as reported in metrics.</summary>
    public abstract string StreamType { get; }

    /// <summary>Authenticated and not yet closed: there is a connection to close.</summary>
    public abstract bool IsConnected { get; }

    /// <summary>When <see cref="IsConnected"/> is false because the connection failed (a fatal alert), why.</summary>
    public virtual Exception? ConnectionFailure => null;

    /// <summary>
    /// Starts sending our close_notify; the task completes once the alert is handed to the transport, and is
    /// already complete when ours was sent before. The procedure bounds the wait, so an implementation may
    /// ignore the token.
    /// </summary>
    public abstract Task SendCloseNotifyAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Reads what the peer sent after our close_notify; 0 at the end of its side of the connection. An empty
    /// buffer waits until data or the end arrives, without consuming it (as <see cref="System.Net.Security.SslStream"/> does).
    /// </summary>
    public abstract ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken);

    /// <summary>After a read returned 0: whether that end was the peer's close_notify, or null when the stream cannot tell.</summary>
    public abstract bool? EndWasCloseNotify();

    /// <summary>
    /// Whether the peer's close_notify had arrived before the close began, for outcomes that do not wait for it;
    /// null when the stream cannot tell.
    /// </summary>
    public virtual bool? PeerCloseNotifyReceivedEarlier => null;

    /// <summary>After a read failed: true when the transport ended (FIN or reset), false for a TLS protocol error.</summary>
    public abstract bool IsEndOfTransport(Exception error);

    /// <summary>
    /// After a read failed: true when the stream refused the call itself, saying nothing about the peer (a read of
    /// the application's is still pending, for example). Such a misuse is thrown, never reported as a peer's error.
    /// </summary>
    public virtual bool IsRefusedCall(Exception error) => false;

    /// <summary>
    /// After a read failed: true when our own side closed the stream or its transport meanwhile (the application
    /// disposed it during the close). Reported as our doing, never as the peer's truncation.
    /// </summary>
    public virtual bool IsClosedLocally(Exception error)
    {
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            // A socket closed under a pending operation completes it with OperationAborted; no peer can cause that.
            if (e is ObjectDisposedException or SocketException { SocketErrorCode: SocketError.OperationAborted })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Claims the stream for this close; false when another close of the same stream is in progress.</summary>
    public bool TryClaim() => Closing.TryAdd(_tlsStream, true);

    /// <summary>Ends the claim taken by <see cref="TryClaim"/>.</summary>
    public void Release() => Closing.TryRemove(_tlsStream, out _);

    /// <summary>Closes the transport at once so that pending I/O on it completes; leaves a leave-open transport alone. Never throws.</summary>
    public void Abort()
    {
        if (_leaveTransportOpen)
        {
            return;
        }

        try
        {
            _transport.Dispose();
        }
        catch (Exception)
        {
            // Closing a broken transport may fail; it is closed as far as we can close it.
        }
    }

    /// <summary>Disposes the TLS stream, and its transport unless it was opened with leave-open. Never throws.</summary>
    public void Dispose()
    {
        try
        {
            _tlsStream.Dispose();
        }
        catch (Exception)
        {
            // Disposal of a failed connection cannot change how it ended.
        }
    }
}
