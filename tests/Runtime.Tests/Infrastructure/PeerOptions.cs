using System.Security.Cryptography.X509Certificates;

namespace TlsShutdown.Tests.Infrastructure;

/// <summary>Tunables of a <see cref="MisbehavingPeer"/>.</summary>
public sealed record PeerOptions
{
    /// <summary>The server certificate; <see cref="TestCertificates.Ecdsa"/> when null.</summary>
    public X509Certificate2? Certificate { get; init; }

    /// <summary>Bytes of application data that <see cref="PeerBehavior.SendsDataThenClosesCleanly"/> sends: 2 MiB.</summary>
    public int FloodBytes { get; init; } = 2 * 1024 * 1024;

    /// <summary>Size of each application-data write of the flooding behaviours.</summary>
    public int WriteSize { get; init; } = 16 * 1024;

    /// <summary>What <see cref="PeerBehavior.SendsGarbage"/> writes: plain text, which no TLS record starts with.</summary>
    public byte[] Garbage { get; init; } = "HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n"u8.ToArray();
}
