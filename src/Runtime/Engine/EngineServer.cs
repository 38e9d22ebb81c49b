using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using CertificateRequest = Org.BouncyCastle.Tls.CertificateRequest;
using Org.BouncyCastle.Tls;

namespace TlsShutdown.Engine;

/// <summary>BouncyCastle's server peer, configured from <see cref="SslServerAuthenticationOptions"/>.</summary>
internal sealed class EngineServer : DefaultTlsServer
{
    private static readonly int[] Tls13Suites =
    [
        CipherSuite.TLS_AES_256_GCM_SHA384,
        CipherSuite.TLS_AES_128_GCM_SHA256,
        CipherSuite.TLS_CHACHA20_POLY1305_SHA256,
    ];

    private static readonly int[] RsaSuites =
    [
        .. Tls13Suites,
        CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
        CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384,
        CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256,
        CipherSuite.TLS_DHE_RSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_DHE_RSA_WITH_AES_128_GCM_SHA256,
    ];

    private static readonly int[] EcdsaSuites =
    [
        .. Tls13Suites,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
    ];

    private readonly ProtocolVersion[] _versions;
    private readonly EngineCredentials _credentials;
    private readonly IList<ProtocolName>? _protocolNames;
    private readonly EngineCertificateValidator _validator;
    private readonly bool _requireClientCertificate;
    private readonly string? _sessionCertificate;   // the server certificate's hash, under which sessions are filed; null: resumption off

    private EngineServer(ProtocolVersion[] versions, EngineCredentials credentials, IList<ProtocolName>? protocolNames, EngineCertificateValidator validator, bool requireClientCertificate, string? sessionCertificate)
        : base(EngineCrypto.Instance)
    {
        _sessionCertificate = sessionCertificate;
        _versions = versions;
        _credentials = credentials;
        _protocolNames = protocolNames;
        _validator = validator;
        _requireClientCertificate = requireClientCertificate;
    }

    public EngineCertificateValidator Validator => _validator;

    /// <summary>Translates <paramref name="options"/>; an option the engine cannot honour throws.</summary>
    /// <exception cref="NotSupportedException">An option TlsEngineStream does not support was set.</exception>
    public static EngineServer Create(SslServerAuthenticationOptions options, object sender)
    {
        if (options.ServerCertificateSelectionCallback is not null)
        {
            throw new NotSupportedException("ServerCertificateSelectionCallback is not supported by TlsEngineStream; set ServerCertificate or ServerCertificateContext.");
        }

#pragma warning disable SYSLIB0040 // EncryptionPolicy is obsolete; only its default can be honoured.
        EngineOptions.RejectUnsupported(options.CipherSuitesPolicy, options.EncryptionPolicy);
#pragma warning restore SYSLIB0040

        EngineCredentials credentials = options.ServerCertificateContext is { } context
            ? EngineCredentials.From(context.TargetCertificate, context.IntermediateCertificates, "ServerCertificateContext")
            : options.ServerCertificate is { } certificate
                ? EngineCredentials.From(certificate, null, "ServerCertificate")
                : throw new NotSupportedException("ServerCertificate: TlsEngineStream needs a server certificate.");

        var validator = new EngineCertificateValidator(
            sender,
            options.RemoteCertificateValidationCallback,
            targetHost: null,
            options.CertificateRevocationCheckMode,
            options.CertificateChainPolicy,
            peerIsServer: false);
        return new EngineServer(
            EngineProtocolVersions.From(options.EnabledSslProtocols),
            credentials,
            EngineApplicationProtocols.From(options.ApplicationProtocols),
            validator,
            options.ClientCertificateRequired,
            options.AllowTlsResume
                ? (options.ServerCertificateContext?.TargetCertificate ?? (X509Certificate2)options.ServerCertificate!).GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256)
                : null);
    }

    protected override ProtocolVersion[] GetSupportedVersions() => _versions;

    // TLS 1.2 resumption by session ID: a new ID for each full handshake, sessions filed under our certificate.
    public override byte[]? GetNewSessionID() =>
        _sessionCertificate is null ? null : System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);

    public override TlsSession? GetSessionToResume(byte[] sessionID) =>
        _sessionCertificate is null || sessionID.Length == 0 ? null : EngineSessions.Server.Get(SessionKey(sessionID));

    public override void NotifyHandshakeComplete()
    {
        base.NotifyHandshakeComplete();
        EngineResumption.OnHandshakeComplete(
            m_context,
            _validator,
            _sessionCertificate is null ? null : session => EngineSessions.Server.Put(SessionKey(session.SessionID), session));
    }

    private ServerSessionKey SessionKey(byte[] sessionID) =>
        new(_sessionCertificate!, _requireClientCertificate, Convert.ToHexString(sessionID));

    public override void NotifyAlertRaised(short alertLevel, short alertDescription, string message, Exception cause) =>
        EngineEvents.AlertSent(alertLevel, alertDescription);

    public override void NotifyAlertReceived(short alertLevel, short alertDescription) =>
        EngineEvents.AlertReceived(alertLevel, alertDescription);

    protected override IList<ProtocolName>? GetProtocolNames() => _protocolNames;

    // Only the suites our key can serve (DefaultTlsServer lists no ECDSA suites, and a suite for the other key
    // type would fail at GetCredentials); forward secrecy and AEAD first.
    protected override int[] GetSupportedCipherSuites() =>
        TlsUtilities.GetSupportedCipherSuites(Crypto, _credentials.IsRsa ? RsaSuites : EcdsaSuites);

    // DefaultTlsServer has no TLS 1.3 case: one signer for every version.
    public override TlsCredentials GetCredentials() =>
        _credentials.CreateSigner(m_context, m_context.SecurityParameters.ClientSigAlgs, null)
        ?? throw new TlsFatalAlert(AlertDescription.handshake_failure, "No signature scheme offered by the client fits the server's key.");

    public override CertificateRequest? GetCertificateRequest()
    {
        if (!_requireClientCertificate)
        {
            return null;
        }

        IList<SignatureAndHashAlgorithm> algorithms = TlsUtilities.GetDefaultSupportedSignatureAlgorithms(m_context);
        return TlsUtilities.IsTlsV13(m_context)
            ? new CertificateRequest(TlsUtilities.EmptyBytes, algorithms, null, null)
            : new CertificateRequest([ClientCertificateType.rsa_sign, ClientCertificateType.ecdsa_sign], algorithms, null);
    }

    public override void NotifyClientCertificate(Certificate clientCertificate) =>
        _validator.Validate(clientCertificate.IsEmpty ? null : clientCertificate);
}
