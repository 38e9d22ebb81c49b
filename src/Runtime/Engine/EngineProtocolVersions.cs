using System.Security.Authentication;
using Org.BouncyCastle.Tls;

namespace TlsShutdown.Engine;

/// <summary>Translates between <see cref="SslProtocols"/> and BouncyCastle's protocol versions: TLS 1.2 and 1.3 only.</summary>
internal static class EngineProtocolVersions
{
    /// <summary>The versions to offer or accept, newest first.</summary>
    /// <exception cref="NotSupportedException">Only obsolete versions were asked for.</exception>
    public static ProtocolVersion[] From(SslProtocols enabled)
    {
        if (enabled == SslProtocols.None)
        {
            return [ProtocolVersion.TLSv13, ProtocolVersion.TLSv12];
        }

        var versions = new List<ProtocolVersion>(2);
        if ((enabled & SslProtocols.Tls13) != 0)
        {
            versions.Add(ProtocolVersion.TLSv13);
        }

        if ((enabled & SslProtocols.Tls12) != 0)
        {
            versions.Add(ProtocolVersion.TLSv12);
        }

        if (versions.Count == 0)
        {
            throw new NotSupportedException(
                $"EnabledSslProtocols: TlsEngineStream supports only TLS 1.2 and TLS 1.3, not {enabled}.");
        }

        return [.. versions];
    }

    public static SslProtocols ToSslProtocols(ProtocolVersion? version) =>
        version is null ? SslProtocols.None
        : ProtocolVersion.TLSv13.Equals(version) ? SslProtocols.Tls13
        : ProtocolVersion.TLSv12.Equals(version) ? SslProtocols.Tls12
        : SslProtocols.None;
}
