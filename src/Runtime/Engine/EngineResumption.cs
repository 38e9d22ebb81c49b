using Org.BouncyCastle.Tls;

namespace TlsShutdown.Engine;

/// <summary>What client and server do alike when a handshake completes, for TLS 1.2 session resumption.</summary>
internal static class EngineResumption
{
    /// <summary>
    /// A resumed handshake carries no certificates: the peer's certificate from the original session is validated
    /// again (the application's callback runs and <see cref="TlsEngineStream.RemoteCertificate"/> is set, as after a
    /// full handshake). A full TLS 1.2 handshake's session is handed to <paramref name="store"/> for later resumption.
    /// </summary>
    /// <param name="context">The completed connection's context.</param>
    /// <param name="validator">The connection's certificate validator.</param>
    /// <param name="store">Files a resumable session; null when resumption is off.</param>
    /// <exception cref="TlsFatalAlert">The session's certificate is refused now: the handshake fails.</exception>
    public static void OnHandshakeComplete(TlsContext context, EngineCertificateValidator validator, Action<TlsSession>? store)
    {
        SecurityParameters parameters = context.SecurityParameters;
        if (parameters.IsResumedSession)
        {
            if (parameters.PeerCertificate is { IsEmpty: false } certificate)
            {
                validator.Validate(certificate);
            }

            return;
        }

        if (store is not null && ProtocolVersion.TLSv12.Equals(parameters.NegotiatedVersion) && context.ResumableSession is { } session)
        {
            store(session);
        }
    }
}
