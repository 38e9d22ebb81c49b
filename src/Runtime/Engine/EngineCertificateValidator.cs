using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Tls;

namespace TlsShutdown.Engine;

/// <summary>
/// Validates the peer's certificate chain as <see cref="SslStream"/> does: the application's callback decides
/// when there is one; otherwise the chain must build to the system trust store and (for a server) match the
/// target host.
/// </summary>
internal sealed class EngineCertificateValidator
{
    private const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuthentication = "1.3.6.1.5.5.7.3.2";

    private readonly object _sender;
    private readonly RemoteCertificateValidationCallback? _callback;
    private readonly string? _targetHost;
    private readonly X509RevocationMode _revocationMode;
    private readonly X509ChainPolicy? _policy;
    private readonly bool _peerIsServer;

    public EngineCertificateValidator(
        object sender,
        RemoteCertificateValidationCallback? callback,
        string? targetHost,
        X509RevocationMode revocationMode,
        X509ChainPolicy? policy,
        bool peerIsServer)
    {
        _sender = sender;
        _callback = callback;
        _targetHost = targetHost;
        _revocationMode = revocationMode;
        _policy = policy;
        _peerIsServer = peerIsServer;
    }

    /// <summary>The peer's leaf certificate, once validated.</summary>
    public X509Certificate2? RemoteCertificate { get; private set; }

    /// <summary>Why the last validation failed, for the handshake's exception.</summary>
    public string? FailureReason { get; private set; }

    /// <summary>The exception the application's validation callback threw, if it threw.</summary>
    public Exception? CallbackError { get; private set; }

    /// <summary>Validates <paramref name="certificate"/>; a refusal ends the handshake with a bad_certificate alert.</summary>
    /// <exception cref="TlsFatalAlert">The certificate was refused.</exception>
    public void Validate(Certificate? certificate)
    {
        var certificates = new List<X509Certificate2>();
        try
        {
            Validate(certificate, certificates);
        }
        finally
        {
            // The intermediates served the chain build only and hold native handles worth freeing now. The leaf
            // is left alone: it lives on as RemoteCertificate, and a callback may have kept it.
            foreach (var intermediate in certificates.Skip(1))
            {
                intermediate.Dispose();
            }
        }
    }

    private void Validate(Certificate? certificate, List<X509Certificate2> certificates)
    {
        try
        {
            if (certificate is not null)
            {
                for (int i = 0; i < certificate.Length; i++)
                {
                    certificates.Add(Load(certificate.GetCertificateAt(i).GetEncoded()));
                }
            }
        }
        catch (CryptographicException error)
        {
            Refuse($"The peer's certificate could not be parsed: {error.Message}");
        }

        X509Certificate2? leaf = certificates.Count > 0 ? certificates[0] : null;
        SslPolicyErrors errors = SslPolicyErrors.None;
        using var chain = new X509Chain();
        using var chainElements = new ChainElementsRelease(chain);
        if (leaf is null)
        {
            errors |= SslPolicyErrors.RemoteCertificateNotAvailable;
        }
        else
        {
            if (_policy is not null)
            {
                chain.ChainPolicy = _policy.Clone();
            }
            else
            {
                chain.ChainPolicy.RevocationMode = _revocationMode;
                chain.ChainPolicy.ApplicationPolicy.Add(new Oid(_peerIsServer ? ServerAuthentication : ClientAuthentication));
            }

            chain.ChainPolicy.ExtraStore.AddRange(certificates.Skip(1).ToArray());

            // A certificate that loads may still be malformed inside (an extension, a key): the chain build and the
            // name check then throw. That is the peer's error, reported as such (bad_certificate, unless the
            // callback accepts it), not the engine's internal_error.
            if (!Check(() => chain.Build(leaf)))
            {
                errors |= SslPolicyErrors.RemoteCertificateChainErrors;
            }

            if (_peerIsServer && !string.IsNullOrEmpty(_targetHost) && !Check(() => leaf.MatchesHostname(_targetHost)))
            {
                errors |= SslPolicyErrors.RemoteCertificateNameMismatch;
            }
        }

        bool accepted;
        try
        {
            accepted = _callback is not null ? _callback(_sender, leaf, leaf is null ? null : chain, errors) : errors == SslPolicyErrors.None;
        }
        catch (Exception error)
        {
            // The engine answers with bad_certificate; the application's exception becomes the inner exception of
            // the AuthenticationException the handshake throws.
            CallbackError = error;
            Refuse($"The RemoteCertificateValidationCallback threw: {error.Message}");
            throw;
        }

        if (!accepted)
        {
            Refuse(_callback is not null
                ? "The remote certificate was rejected by the provided RemoteCertificateValidationCallback."
                : $"The remote certificate is invalid because of errors in the certificate chain: {errors}");
        }

        RemoteCertificate = leaf;
    }

    /// <summary>
    /// Frees the certificates of a built chain's elements, as SslStream does after its callback: X509Chain.Dispose
    /// leaves them to the finalizer, and a handshake that makes three of them and lets them go made the finalizer
    /// thread a visible cost of engine handshakes.
    /// </summary>
    private readonly struct ChainElementsRelease(X509Chain chain) : IDisposable
    {
        public void Dispose()
        {
            foreach (X509ChainElement element in chain.ChainElements)
            {
                element.Certificate.Dispose();
            }
        }
    }

    private static bool Check(Func<bool> check)
    {
        try
        {
            return check();
        }
        catch (Exception error) when (error is CryptographicException or System.Formats.Asn1.AsnContentException or ArgumentException)
        {
            return false;
        }
    }

#if NET9_0_OR_GREATER
    private static X509Certificate2 Load(byte[] der) => X509CertificateLoader.LoadCertificate(der);
#else
    private static X509Certificate2 Load(byte[] der) => new(der);
#endif

    private void Refuse(string reason)
    {
        FailureReason = reason;
        throw new TlsFatalAlert(AlertDescription.bad_certificate, reason);
    }
}
