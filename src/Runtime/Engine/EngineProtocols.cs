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

    /// <summary>The engine's handshake state machine (BouncyCastle's connection state): a change is handshake progress.</summary>
    int HandshakeState { get; }

    /// <summary>Queues our close_notify unless it was queued before; the connection stays open for reading.</summary>
    void SendCloseNotify();

    /// <summary>Releases the capacity of the engine's empty queues (<see cref="EngineQueues"/>): the connection is going idle.</summary>
    void TrimBuffers();

    /// <summary>KeyUpdates and renegotiation requests, counted; the alerts are counted by the peer classes.</summary>
    EngineEvents Events { get; }
}

/// <summary>BouncyCastle's client protocol in non-blocking mode, with half-close.</summary>
internal sealed class EngineClientProtocol : TlsClientProtocol, IEngineProtocol
{
    private readonly CloseNotifyLedger _closeNotify = new();

    public TlsProtocol Protocol => this;

    public TlsContext EngineContext => Context;

    public bool CloseNotifySent => _closeNotify.Sent;

    public bool CloseNotifyReceived => _closeNotify.Received;

    public int HandshakeState => m_connectionState;

    public void SendCloseNotify() => RaiseAlertWarning(AlertDescription.close_notify, "Connection closed");

    public void TrimBuffers() => EngineQueues.Trim(this, m_outputBuffer, m_inputBuffers);

    protected override void RaiseAlertWarning(short alertDescription, string message)
    {
        if (_closeNotify.MaySend(alertDescription))
        {
            base.RaiseAlertWarning(alertDescription, message);
        }
    }

    public EngineEvents Events { get; } = new();

    protected override void Receive13KeyUpdate(MemoryStream buf)
    {
        base.Receive13KeyUpdate(buf);
        EngineEvents.KeyUpdateReceived();
    }

    protected override void Send13KeyUpdate(bool updateRequested)
    {
        base.Send13KeyUpdate(updateRequested);
        EngineEvents.KeyUpdateSent();
    }

    protected override void RefuseRenegotiation()
    {
        Events.OnRenegotiationRefused();
        base.RefuseRenegotiation();
    }

    protected override void HandleAlertWarningMessage(short alertDescription)
    {
        if (!CloseNotifyLedger.EndsOneDirection(alertDescription, Context, IsHandshaking))
        {
            base.HandleAlertWarningMessage(alertDescription);
        }

        _closeNotify.OnReceived(alertDescription);
    }
}

/// <summary>BouncyCastle's server protocol in non-blocking mode, with half-close.</summary>
internal sealed class EngineServerProtocol : TlsServerProtocol, IEngineProtocol
{
    private readonly CloseNotifyLedger _closeNotify = new();

    public TlsProtocol Protocol => this;

    public TlsContext EngineContext => Context;

    public bool CloseNotifySent => _closeNotify.Sent;

    public bool CloseNotifyReceived => _closeNotify.Received;

    public int HandshakeState => m_connectionState;

    public void SendCloseNotify() => RaiseAlertWarning(AlertDescription.close_notify, "Connection closed");

    public void TrimBuffers() => EngineQueues.Trim(this, m_outputBuffer, m_inputBuffers);

    protected override void RaiseAlertWarning(short alertDescription, string message)
    {
        if (_closeNotify.MaySend(alertDescription))
        {
            base.RaiseAlertWarning(alertDescription, message);
        }
    }

    public EngineEvents Events { get; } = new();

    protected override void Receive13KeyUpdate(MemoryStream buf)
    {
        base.Receive13KeyUpdate(buf);
        EngineEvents.KeyUpdateReceived();
    }

    protected override void Send13KeyUpdate(bool updateRequested)
    {
        base.Send13KeyUpdate(updateRequested);
        EngineEvents.KeyUpdateSent();
    }

    protected override void RefuseRenegotiation()
    {
        Events.OnRenegotiationRefused();
        base.RefuseRenegotiation();
    }

    protected override void HandleAlertWarningMessage(short alertDescription)
    {
        if (!CloseNotifyLedger.EndsOneDirection(alertDescription, Context, IsHandshaking))
        {
            base.HandleAlertWarningMessage(alertDescription);
        }

        _closeNotify.OnReceived(alertDescription);
    }
}

/// <summary>
/// The close_notify bookkeeping both protocols share (C# allows one base class, and BouncyCastle's client and
/// server protocols are two): at most one of ours goes out, whether the peer's came in, and which of the peer's
/// close_notify alerts end one direction only.
/// </summary>
internal sealed class CloseNotifyLedger
{
    public bool Sent { get; private set; }

    public bool Received { get; private set; }

    /// <summary>False for a second close_notify: the engine answers the peer's with ours, which after a half-close is already sent.</summary>
    public bool MaySend(short alertDescription)
    {
        if (alertDescription != AlertDescription.close_notify)
        {
            return true;
        }

        if (Sent)
        {
            return false;
        }

        Sent = true;
        return true;
    }

    /// <summary>
    /// True for the peer's close_notify in TLS 1.3 after the handshake: it ends the peer's direction only
    /// (RFC 8446 §6.1), so the engine must not answer it and shut ours as it does in TLS 1.2 (RFC 5246 §7.2.1).
    /// </summary>
    public static bool EndsOneDirection(short alertDescription, TlsContext context, bool handshaking) =>
        alertDescription == AlertDescription.close_notify
        && !handshaking
        && context.ServerVersion is { } version
        && TlsUtilities.IsTlsV13(version);

    public void OnReceived(short alertDescription)
    {
        if (alertDescription == AlertDescription.close_notify)
        {
            Received = true;
        }
    }
}
