namespace TlsShutdown;

/// <summary>An exact report of how <see cref="GracefulTlsClose"/> ended a TLS connection.</summary>
public sealed record TlsCloseResult
{
    internal TlsCloseResult(
        TlsCloseOutcome outcome,
        bool closeNotifySent,
        bool? peerCloseNotifyReceived,
        long discardedBytes,
        TimeSpan elapsed,
        Exception? error)
    {
        Outcome = outcome;
        CloseNotifySent = closeNotifySent;
        PeerCloseNotifyReceived = peerCloseNotifyReceived;
        DiscardedBytes = discardedBytes;
        Elapsed = elapsed;
        Error = error;
    }

    /// <summary>How the connection ended.</summary>
    public TlsCloseOutcome Outcome { get; }

    /// <summary>Whether our close_notify was handed to the transport in full.</summary>
    public bool CloseNotifySent { get; }

    /// <summary>
    /// Whether the peer's close_notify was received: <see langword="true"/> or <see langword="false"/> when it
    /// was observed, <see langword="null"/> where the stream cannot tell (see <see cref="TlsCloseOutcome.PeerClosed"/>)
    /// or when we did not wait for it.
    /// </summary>
    public bool? PeerCloseNotifyReceived { get; }

    /// <summary>Bytes of application data that arrived after our close_notify and were dropped.</summary>
    public long DiscardedBytes { get; }

    /// <summary>Time the whole close took, disposal included.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>The exception behind a failed send, a truncation or a protocol error, if there was one. It is
    /// reported here, never thrown.</summary>
    public Exception? Error { get; }
}
