using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using CertificateRequest = Org.BouncyCastle.Tls.CertificateRequest;
using System.Text;
using Org.BouncyCastle.Tls;

namespace TlsShutdown.Engine;

/// <summary>BouncyCastle's client peer, configured from <see cref="SslClientAuthenticationOptions"/>.</summary>
internal sealed class EngineClient : DefaultTlsClient
{
    private readonly ProtocolVersion[] _versions;
    private readonly string? _sniName;
    private readonly IList<ProtocolName>? _protocolNames;
    private readonly EngineCertificateValidator _validator;
    private readonly EngineCredentials? _clientCredentials;
    private readonly ClientSessionKey? _sessionKey;   // null: resumption off (AllowTlsResume false, or no target host)

    private EngineClient(ProtocolVersion[] versions, string? sniName, IList<ProtocolName>? protocolNames, EngineCertificateValidator validator, EngineCredentials? clientCredentials, ClientSessionKey? sessionKey)
        : base(EngineCrypto.Instance)
    {
        _versions = versions;
        _sniName = sniName;
        _protocolNames = protocolNames;
        _validator = validator;
        _clientCredentials = clientCredentials;
        _sessionKey = sessionKey;
    }

    public EngineCertificateValidator Validator => _validator;

    /// <summary>Translates <paramref name="options"/>; an option the engine cannot honour throws.</summary>
    /// <exception cref="NotSupportedException">An option TlsEngineStream does not support was set.</exception>
    public static EngineClient Create(SslClientAuthenticationOptions options, object sender)
    {
        if (options.LocalCertificateSelectionCallback is not null)
        {
            throw new NotSupportedException("LocalCertificateSelectionCallback is not supported by TlsEngineStream; set ClientCertificates or ClientCertificateContext.");
        }

#pragma warning disable SYSLIB0040 // EncryptionPolicy is obsolete; only its default can be honoured.
        EngineOptions.RejectUnsupported(options.CipherSuitesPolicy, options.EncryptionPolicy);
#pragma warning restore SYSLIB0040

        ProtocolVersion[] versions = EngineProtocolVersions.From(options.EnabledSslProtocols);
        string? host = options.TargetHost;
        string? sni = SniName(host);

        EngineCredentials? credentials = null;
        X509Certificate2? clientCertificate = null;
        if (options.ClientCertificateContext is { } context)
        {
            clientCertificate = context.TargetCertificate;
            credentials = EngineCredentials.From(context.TargetCertificate, context.IntermediateCertificates, "ClientCertificateContext");
        }
        else if (options.ClientCertificates is { Count: > 0 } certificates)
        {
            clientCertificate = certificates.OfType<X509Certificate2>().FirstOrDefault(c => c.HasPrivateKey)
                ?? throw new NotSupportedException("ClientCertificates: TlsEngineStream needs a certificate with its private key.");
            credentials = EngineCredentials.From(clientCertificate, null, "ClientCertificates");
        }

        // Sessions are resumed for the same target only, as SslStream's are (AllowTlsResume, on by default).
        ClientSessionKey? sessionKey = options.AllowTlsResume && !string.IsNullOrEmpty(host)
            ? new ClientSessionKey(host, options.EnabledSslProtocols, clientCertificate?.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256))
            : null;

        var validator = new EngineCertificateValidator(
            sender,
            options.RemoteCertificateValidationCallback,
            host,
            options.CertificateRevocationCheckMode,
            options.CertificateChainPolicy,
            peerIsServer: true);
        return new EngineClient(versions, sni, EngineApplicationProtocols.From(options.ApplicationProtocols), validator, credentials, sessionKey);
    }

    /// <summary>
    /// The server_name to send for <paramref name="host"/>, as SslStream sends it: without the trailing dot, in its
    /// IDN (punycode) form. None for an IP address, or a name with no usable ASCII form (such as ".").
    /// A name IDN rejects is sent as it is when it is printable ASCII.
    /// </summary>
    internal static string? SniName(string? host)
    {
        string name = host?.TrimEnd('.') ?? string.Empty;
        if (name.Length == 0 || IPAddress.TryParse(name, out _))
        {
            return null;
        }

        try
        {
            return new IdnMapping().GetAscii(name);
        }
        catch (ArgumentException)
        {
            // Not a valid IDN, such as "my_host" under strict rules: an ASCII name goes out as it is, as SslStream sends it.
            return name.All(static c => c is > ' ' and < (char)127) ? name : null;
        }
    }

    protected override ProtocolVersion[] GetSupportedVersions() => _versions;

    // TLS 1.2 resumption by session ID (BouncyCastle offers the session only when TLS 1.2 is enabled).
    public override TlsSession? GetSessionToResume() => _sessionKey is { } key ? EngineSessions.Client.Get(key) : null;

    public override void NotifyHandshakeComplete()
    {
        base.NotifyHandshakeComplete();
        EngineResumption.OnHandshakeComplete(m_context, _validator, _sessionKey is { } key ? session => EngineSessions.Client.Put(key, session) : null);
    }

    public override void NotifyAlertRaised(short alertLevel, short alertDescription, string message, Exception cause) =>
        EngineEvents.AlertSent(alertLevel, alertDescription);

    public override void NotifyAlertReceived(short alertLevel, short alertDescription) =>
        EngineEvents.AlertReceived(alertLevel, alertDescription);

    protected override IList<ServerName>? GetSniServerNames() =>
        _sniName is null ? null : [new ServerName(NameType.host_name, Encoding.ASCII.GetBytes(_sniName))];

    protected override IList<ProtocolName>? GetProtocolNames() => _protocolNames;

    public override TlsAuthentication GetAuthentication() => new Authentication(this);

    private sealed class Authentication(EngineClient client) : TlsAuthentication
    {
        public void NotifyServerCertificate(TlsServerCertificate serverCertificate) =>
            client._validator.Validate(serverCertificate.Certificate);

        public TlsCredentials? GetClientCredentials(CertificateRequest certificateRequest) =>
            client._clientCredentials?.CreateSigner(
                client.m_context,
                certificateRequest.SupportedSignatureAlgorithms,
                certificateRequest.GetCertificateRequestContext());
    }
}
