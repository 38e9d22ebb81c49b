using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace TlsShutdown.Tests.Infrastructure;

/// <summary>Authentication options shared by the zoo's server peers and any client under test.</summary>
public static class TestTls
{
    /// <summary>The protocol versions every zoo test runs with, for <c>[MemberData]</c>.</summary>
    public static readonly SslProtocols[] Protocols = [SslProtocols.Tls12, SslProtocols.Tls13];

    /// <summary>Client options pinned to <paramref name="protocol"/> that trust the test certificates only. Every
    /// handshake is a full one (no TLS 1.2 resumption from an earlier test): the resumption tests turn it on.</summary>
    public static SslClientAuthenticationOptions ClientOptions(SslProtocols protocol) => new()
    {
        TargetHost = TestCertificates.HostName,
        EnabledSslProtocols = protocol,
        AllowTlsResume = false,
        RemoteCertificateValidationCallback = static (_, certificate, _, _) => TestCertificates.IsTestCertificate(certificate),
    };

    /// <summary>Server options pinned to <paramref name="protocol"/>.</summary>
    public static SslServerAuthenticationOptions ServerOptions(SslProtocols protocol, X509Certificate2? certificate = null) => new()
    {
        ServerCertificate = certificate ?? TestCertificates.Ecdsa,
        EnabledSslProtocols = protocol,
        ClientCertificateRequired = false,
    };
}
