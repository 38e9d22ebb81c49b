namespace TlsShutdown;

/// <summary>How a TLS connection ended when <see cref="GracefulTlsClose"/> closed it.</summary>
public enum TlsCloseOutcome
{
    /// <summary>Our close_notify was sent and the peer's close_notify was received.</summary>
    Clean,

    /// <summary>Our close_notify was sent; we did not wait for the peer's: waiting was switched off
    /// (<see cref="TlsCloseOptions.PeerCloseTimeout"/> is <see cref="TimeSpan.Zero"/>), or our own side ended the
    /// wait (the application disposed the stream during the close; <see cref="TlsCloseResult.Error"/> is then an
    /// <see cref="ObjectDisposedException"/>). Never the peer's doing.</summary>
    NotAwaited,

    /// <summary>Our close_notify was sent; the peer ended the connection, and whether its close_notify came
    /// first cannot be observed on this stream. Put an <see cref="EofTrackingStream"/> under the
    /// <see cref="System.Net.Security.SslStream"/> to make it observable.</summary>
    PeerClosed,

    /// <summary>Our close_notify was sent; the peer ended the connection (FIN or reset) without a close_notify.
    /// Data it sent last may have been cut off.</summary>
    Truncated,

    /// <summary>Our close_notify was sent; neither the peer's close_notify nor the end of the connection came
    /// within <see cref="TlsCloseOptions.PeerCloseTimeout"/>, measured from the end of the send and bounding the
    /// whole wait however the peer spreads its bytes.</summary>
    TimedOut,

    /// <summary>Our close_notify was sent; the peer kept sending application data past
    /// <see cref="TlsCloseOptions.MaxDiscardBytes"/>.</summary>
    DiscardLimitExceeded,

    /// <summary>Our close_notify could not be delivered within <see cref="TlsCloseOptions.SendTimeout"/>
    /// (typically a peer that stopped reading), or the transport failed while sending it.</summary>
    SendFailed,

    /// <summary>There was nothing to send: the stream was never authenticated, was already closed, or a fatal
    /// alert (either side's) had ended the connection (<see cref="TlsCloseResult.Error"/> holds that failure); or
    /// another close of the same stream was in progress (<see cref="TlsCloseResult.Error"/> is an
    /// <see cref="InvalidOperationException"/>; that close reports how the connection ended, and this one leaves
    /// the stream alone).</summary>
    NotConnected,

    /// <summary>Our close_notify was sent; while we waited for the peer's, it sent bytes that are not valid TLS,
    /// a fatal alert, or (<see cref="TlsEngineStream"/>) more than
    /// <see cref="TlsEngineStream.MaxRecordsWithoutApplicationData"/> records in a row without application data.
    /// The connection was aborted.</summary>
    ProtocolError,
}
