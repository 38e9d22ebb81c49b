using System.Net.Security;
using Org.BouncyCastle.Tls;

namespace TlsShutdown.Engine;

/// <summary>ALPN names between <see cref="SslApplicationProtocol"/> and BouncyCastle.</summary>
internal static class EngineApplicationProtocols
{
    public static IList<ProtocolName>? From(List<SslApplicationProtocol>? protocols) =>
        protocols is null || protocols.Count == 0
            ? null
            : [.. protocols.Select(p => ProtocolName.AsRawBytes(p.Protocol.ToArray()))];

    public static SslApplicationProtocol ToSsl(ProtocolName? name) =>
        name is null ? default : new SslApplicationProtocol(name.GetBytes());
}
