using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using TlsShutdown.Tests.Infrastructure;

namespace TlsShutdown.Tests.Interop;

/// <summary>
/// The test certificates as PEM files for the command-line tools, written once per process to a fresh temporary
/// directory (removed at exit): the servers' RSA and ECDSA certificates (<see cref="TestCertificates"/>) and a
/// client certificate made here.
/// </summary>
public static class InteropPki
{
    private static readonly Lazy<string> DirectoryInstance = new(Create);
    private static readonly Lazy<X509Certificate2> ClientInstance = new(CreateClient);

    /// <summary>A self-signed client certificate (clientAuth) with its key.</summary>
    public static X509Certificate2 Client => ClientInstance.Value;

    /// <summary>The PEM certificate file for "RSA", "ECDSA" or "client".</summary>
    public static string CertificateFile(string name) => Path.Combine(DirectoryInstance.Value, $"{name}.crt");

    /// <summary>The PEM (PKCS#8) key file for "RSA", "ECDSA" or "client".</summary>
    public static string KeyFile(string name) => Path.Combine(DirectoryInstance.Value, $"{name}.key");

    private static string Create()
    {
        string directory = Directory.CreateTempSubdirectory("tlsshutdown-interop-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(directory, recursive: true);
        Write(directory, "RSA", TestCertificates.Rsa);
        Write(directory, "ECDSA", TestCertificates.Ecdsa);
        Write(directory, "client", Client);
        return directory;
    }

    private static void Write(string directory, string name, X509Certificate2 certificate)
    {
        File.WriteAllText(Path.Combine(directory, $"{name}.crt"), certificate.ExportCertificatePem());
        AsymmetricAlgorithm key = (AsymmetricAlgorithm?)certificate.GetRSAPrivateKey() ?? certificate.GetECDsaPrivateKey()!;
        using (key)
        {
            File.WriteAllText(Path.Combine(directory, $"{name}.key"), key.ExportPkcs8PrivateKeyPem());
        }
    }

    private static X509Certificate2 CreateClient()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=tlsshutdown-client", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], critical: false));
        using X509Certificate2 certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), password: null);
    }
}
