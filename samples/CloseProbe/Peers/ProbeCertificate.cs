using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CloseProbe.Peers;

/// <summary>A self-signed ECDSA P-256 certificate for the embedded peers, made once per run.</summary>
internal static class ProbeCertificate
{
    private static readonly Lazy<X509Certificate2> Instance = new(Create);

    public static X509Certificate2 Server => Instance.Value;

    /// <summary>Client-side validation for the embedded peers: exactly our certificate, nothing else.</summary>
    public static bool IsOurs(X509Certificate? certificate) =>
        certificate is not null && certificate.GetCertHashString() == Server.GetCertHashString();

    private static X509Certificate2 Create()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        using X509Certificate2 certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));

        // A PKCS#12 round trip gives a key that every platform's TLS stack accepts for a server.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), password: null);
    }
}
