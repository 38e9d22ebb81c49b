using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace TlsMistakes;

/// <summary>A throwaway self-signed certificate for the demo server, trusted only by the demo clients.</summary>
public static class DemoCertificate
{
    private static string? _thumbprint;

    public static X509Certificate2 Create()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        using X509Certificate2 selfSigned = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        X509Certificate2 certificate = X509CertificateLoader.LoadPkcs12(selfSigned.Export(X509ContentType.Pkcs12), null);
        _thumbprint = certificate.Thumbprint;
        return certificate;
    }

    public static bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors) =>
        certificate is not null && new X509Certificate2(certificate).Thumbprint == _thumbprint;
}
