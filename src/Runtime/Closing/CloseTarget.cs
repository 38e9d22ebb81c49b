namespace TlsShutdown.Closing;

/// <summary>
/// What the close procedure needs from one kind of TLS stream: send our close_notify, read what the peer
/// sends, say how a read ended, and tear down. One subclass per stream type keeps the procedure itself
/// (bounds, discard, outcomes, metrics) in one place.
/// </summary>
internal abstract class CloseTarget
{
    /// <summary>The stream type, as reported in metrics.</summary>
    public abstract string StreamType { get; }

    /// <summary>Authenticated and not yet closed: there is a connection to close.</summary>
    public abstract bool IsConnected { get; }

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

    /// <summary>Reads synchronously, throwing <see cref="TimeoutException"/> when nothing came within <paramref name="timeout"/>.</summary>
    public abstract int Read(byte[] buffer, TimeSpan timeout);

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

    /// <summary>Closes the transport at once so that pending I/O on it completes; leaves a leave-open transport alone. Never throws.</summary>
    public abstract void Abort();

    /// <summary>Disposes the TLS stream, and its transport unless it was opened with leave-open. Never throws.</summary>
    public abstract void Dispose();

    /// <summary>
    /// A synchronous read for a stream whose transport has no timeouts of its own: blocks this thread on the
    /// async read, within <paramref name="timeout"/>; past it, aborts the transport so that the read ends.
    /// </summary>
    protected int ReadBlockingOnAsync(Stream stream, byte[] buffer, TimeSpan timeout)
    {
        using var timer = new CancellationTokenSource(timeout);
        Task<int> read = stream.ReadAsync(buffer, 0, buffer.Length, timer.Token);
        try
        {
            if (read.Wait(timeout))
            {
                return read.Result;
            }
        }
        catch (AggregateException error) when (!timer.IsCancellationRequested)
        {
            throw error.InnerException ?? error;
        }
        catch (AggregateException)
        {
            // Canceled by the timer: a timeout, reported below.
        }

        Abort();
        _ = read.ContinueWith(static t => _ = t.Exception, TaskScheduler.Default);
        throw new TimeoutException("No data within the read timeout.");
    }
}
