namespace TlsShutdown.Closing;

/// <summary>What the exchange of close_notify alerts established, before disposal and timing.</summary>
internal readonly record struct CloseExchange(
    TlsCloseOutcome Outcome,
    bool CloseNotifySent,
    bool? PeerCloseNotifyReceived = null,
    long DiscardedBytes = 0,
    Exception? Error = null)
{
    public static CloseExchange NotConnected(Exception? error = null) => new(TlsCloseOutcome.NotConnected, false, Error: error);

    public static CloseExchange SendFailed(Exception error) => new(TlsCloseOutcome.SendFailed, false, Error: error);

    public static CloseExchange NotAwaited() => new(TlsCloseOutcome.NotAwaited, true);

    /// <summary>Our own side ended the wait (the application disposed the stream during the close): not the peer's doing.</summary>
    public static CloseExchange EndedLocally(long discarded, Exception error) =>
        new(TlsCloseOutcome.NotAwaited, true, null, discarded, new ObjectDisposedException(
            "The stream was disposed during the close, while it waited for the peer's close_notify.", error));

    public static CloseExchange TimedOut(long discarded) => new(TlsCloseOutcome.TimedOut, true, false, discarded);

    public static CloseExchange DiscardLimitExceeded(long discarded) =>
        new(TlsCloseOutcome.DiscardLimitExceeded, true, false, discarded);

    public static CloseExchange Truncated(long discarded, Exception error) =>
        new(TlsCloseOutcome.Truncated, true, false, discarded, error);

    public static CloseExchange ProtocolError(long discarded, Exception error) =>
        new(TlsCloseOutcome.ProtocolError, true, false, discarded, error);

    /// <summary>The peer's side ended with a read of 0; <paramref name="closeNotify"/> says whether its close_notify did it.</summary>
    public static CloseExchange PeerEnded(bool? closeNotify, long discarded) => closeNotify switch
    {
        true => new(TlsCloseOutcome.Clean, true, true, discarded),
        false => Truncated(discarded, new TlsTruncationException()),
        null => new(TlsCloseOutcome.PeerClosed, true, null, discarded),
    };

    /// <summary>A failed send: a transport that the application had already closed means there was nothing to send.
    /// Transports report that as an <see cref="ObjectDisposedException"/>, which <see cref="System.Net.Sockets.NetworkStream"/>
    /// wraps in an <see cref="IOException"/>.</summary>
    public static CloseExchange FromSendError(Exception error) =>
        error is ObjectDisposedException or IOException { InnerException: ObjectDisposedException }
            ? NotConnected(error)
            : SendFailed(error);

    public static CloseExchange FromReadError(CloseTarget target, long discarded, Exception error) =>
        target.IsEndOfTransport(error) ? Truncated(discarded, error) : ProtocolError(discarded, error);
}
