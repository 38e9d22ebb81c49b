using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace TlsShutdown.Tests.Infrastructure;

/// <summary>Self-signed server certificates for "localhost", made once per process.</summary>
public static class TestCertificates
{
    public const string HostName = "localhost";

    private static readonly Lazy<X509Certificate2> RsaInstance = new(() => Create(RSA.Create(2048)));
    private static readonly Lazy<X509Certificate2> EcdsaInstance = new(() => Create(ECDsa.Create(ECCurve.NamedCurves.nistP256)));

    /// <summary>An RSA 2048 certificate.</summary>
    public static X509Certificate2 Rsa => RsaInstance.Value;

    /// <summary>An ECDSA P-256 certificate; its handshakes are the cheapest.</summary>
    public static X509Certificate2 Ecdsa => EcdsaInstance.Value;

    /// <summary>Whether <paramref name="certificate"/> is one of ours: what a client trusts, and nothing else.</summary>
    public static bool IsTestCertificate(X509Certificate? certificate) =>
        certificate is not null
        && (IsSame(certificate, RsaInstance) || IsSame(certificate, EcdsaInstance));

    private static bool IsSame(X509Certificate certificate, Lazy<X509Certificate2> candidate) =>
        candidate.IsValueCreated && certificate.GetCertHash().AsSpan().SequenceEqual(candidate.Value.GetCertHash());

    private static X509Certificate2 Create(AsymmetricAlgorithm key)
    {
        using (key)
        {
            CertificateRequest request = key switch
            {
                RSA rsa => new CertificateRequest($"CN={HostName}", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
                ECDsa ecdsa => new CertificateRequest($"CN={HostName}", ecdsa, HashAlgorithmName.SHA256),
                _ => throw new ArgumentException("Unsupported key type.", nameof(key)),
            };
            var names = new SubjectAlternativeNameBuilder();
            names.AddDnsName(HostName);
            request.CertificateExtensions.Add(names.Build());
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
            using X509Certificate2 certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));

            // A PKCS#12 round trip gives a key that every platform's TLS stack accepts for a server.
            return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), password: null);
        }
    }
}
