namespace TlsShutdown.Tests.Infrastructure;

/// <summary>
/// What a <see cref="MisbehavingPeer"/> does once the TLS handshake is done. Unless stated otherwise, the peer
/// first reads until the client's close_notify, then behaves as described, then reads the raw transport until the
/// client's end of the connection so that it can report that the client closed it.
/// </summary>
public enum PeerBehavior
{
    /// <summary>Answers the client's close_notify with its own, then sends a FIN (TCP half-close).</summary>
    AnswersCloseNotify,

    /// <summary>Answers the client's close_notify with its own and keeps the TCP connection fully open.</summary>
    AnswersCloseNotifyKeepsOpen,

    /// <summary>Ends the TCP connection (FIN) without a close_notify.</summary>
    ClosesWithoutCloseNotify,

    /// <summary>Never answers and keeps the socket open.</summary>
    NeverAnswers,

    /// <summary>Reads nothing after the handshake, so the client's sends stall once the TCP buffers are full,
    /// until the test calls <see cref="MisbehavingPeer.ResumeReading"/>.</summary>
    StopsReading,

    /// <summary>Sends <see cref="PeerOptions.FloodBytes"/> of application data after the client's close_notify,
    /// then its own close_notify, then a FIN.</summary>
    SendsDataThenClosesCleanly,

    /// <summary>Sends application data without end, from the handshake on (and reads until the client's close_notify
    /// meanwhile).</summary>
    FloodsWithoutEnd,

    /// <summary>Resets the connection (linger 0) instead of answering.</summary>
    Resets,

    /// <summary>Sends its close_notify first, right after the handshake (as a server ending a session does), then
    /// waits for the client's and keeps the TCP connection open.</summary>
    ClosesFirst,

    /// <summary>Writes bytes that are not TLS records straight to the socket, under its TLS stream, and keeps
    /// the socket open.</summary>
    SendsGarbage,
}
