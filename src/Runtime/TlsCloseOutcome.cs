namespace TlsShutdown;

/// <summary>How a TLS connection ended when <see cref="GracefulTlsClose"/> closed it.</summary>
public enum TlsCloseOutcome
{
    /// <summary>Our close_notify was sent and the peer's close_notify was received.</summary>
    Clean,

    /// <summary>Our close_notify was sent; waiting for the peer's was switched off
    /// (<see cref="TlsCloseOptions.PeerCloseTimeout"/> is <see cref="TimeSpan.Zero"/>).</summary>
    NotAwaited,

    /// <summary>Our close_notify was sent; the peer ended the connection, and whether its close_notify came
    /// first cannot be observed on this stream. Put an <see cref="EofTrackingStream"/> under the
    /// <see cref="System.Net.Security.SslStream"/> to make it observable.</summary>
    PeerClosed,

    /// <summary>Our close_notify was sent; the peer ended the connection (FIN or reset) without a close_notify.
    /// Data it sent last may have been cut off.</summary>
    Truncated,

    /// <summary>Our close_notify was sent; neither the peer's close_notify nor the end of the connection came
    /// within <see cref="TlsCloseOptions.PeerCloseTimeout"/>.</summary>
    TimedOut,

    /// <summary>Our close_notify was sent; the peer kept sending application data past
    /// <see cref="TlsCloseOptions.MaxDiscardBytes"/>.</summary>
    DiscardLimitExceeded,

    /// <summary>Our close_notify could not be delivered within <see cref="TlsCloseOptions.SendTimeout"/>
    /// (typically a peer that stopped reading), or the transport failed while sending it.</summary>
    SendFailed,

    /// <summary>The stream was never authenticated, or was already closed: there was nothing to send.</summary>
    NotConnected,

    /// <summary>Our close_notify was sent; while we waited for the peer's, it sent bytes that are not valid TLS
    /// (or a fatal alert). The connection was aborted.</summary>
    ProtocolError,
}
