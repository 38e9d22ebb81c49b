using Org.BouncyCastle.Tls;

namespace TlsShutdown.Engine;

/// <summary>
/// What <see cref="TlsEngineStream"/> needs from BouncyCastle's protocol beyond its public API: a close_notify
/// sent without closing the connection (half-close), at most one close_notify, and an exact record of whether
/// the peer's close_notify arrived.
/// </summary>
internal interface IEngineProtocol
{
    TlsProtocol Protocol { get; }

    /// <summary>The connection's context (the negotiated parameters).</summary>
    TlsContext EngineContext { get; }

    /// <summary>Our close_notify is in the output (sent by us, or by the engine in answer to the peer's).</summary>
    bool CloseNotifySent { get; }

    /// <summary>The peer's close_notify was received (its direction ended cleanly).</summary>
    bool CloseNotifyReceived { get; }

    /// <summary>Queues our close_notify unless it was queued before; the connection stays open for reading.</summary>
    void SendCloseNotify();
}

/// <summary>BouncyCastle's client protocol in non-blocking mode, with half-close.</summary>
internal sealed class EngineClientProtocol : TlsClientProtocol, IEngineProtocol
{
    public TlsProtocol Protocol => this;

    public TlsContext EngineContext => Context;

    public bool CloseNotifySent { get; private set; }

    public bool CloseNotifyReceived { get; private set; }

    public void SendCloseNotify() => RaiseAlertWarning(AlertDescription.close_notify, "Connection closed");

    protected override void RaiseAlertWarning(short alertDescription, string message)
    {
        if (alertDescription == AlertDescription.close_notify)
        {
            // The engine answers the peer's close_notify with ours; after a half-close it is already sent.
            if (CloseNotifySent)
            {
                return;
            }

            CloseNotifySent = true;
        }

        base.RaiseAlertWarning(alertDescription, message);
    }

    protected override void HandleAlertWarningMessage(short alertDescription)
    {
        base.HandleAlertWarningMessage(alertDescription);
        if (alertDescription == AlertDescription.close_notify)
        {
            CloseNotifyReceived = true;
        }
    }
}

/// <summary>BouncyCastle's server protocol in non-blocking mode, with half-close.</summary>
internal sealed class EngineServerProtocol : TlsServerProtocol, IEngineProtocol
{
    public TlsProtocol Protocol => this;

    public TlsContext EngineContext => Context;

    public bool CloseNotifySent { get; private set; }

    public bool CloseNotifyReceived { get; private set; }

    public void SendCloseNotify() => RaiseAlertWarning(AlertDescription.close_notify, "Connection closed");

    protected override void RaiseAlertWarning(short alertDescription, string message)
    {
        if (alertDescription == AlertDescription.close_notify)
        {
            if (CloseNotifySent)
            {
                return;
            }

            CloseNotifySent = true;
        }

        base.RaiseAlertWarning(alertDescription, message);
    }

    protected override void HandleAlertWarningMessage(short alertDescription)
    {
        base.HandleAlertWarningMessage(alertDescription);
        if (alertDescription == AlertDescription.close_notify)
        {
            CloseNotifyReceived = true;
        }
    }
}
