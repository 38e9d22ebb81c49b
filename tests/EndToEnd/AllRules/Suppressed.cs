using System.Diagnostics.CodeAnalysis;
using System.Net.Security;
using System.Net.Sockets;

namespace AllRules;

/// <summary>The same mistake as TLS001 in Mistakes, suppressed the two documented ways: no diagnostic may remain.</summary>
public static class Suppressed
{
    public static async Task WithPragmaAsync(TcpClient client, CancellationToken cancellationToken)
    {
#pragma warning disable TLS001 // The peer is our own test server; a truncated last write is harmless.
        using var tls = new SslStream(client.GetStream());
#pragma warning restore TLS001
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "example.org" }, cancellationToken);
        await tls.WriteAsync(new byte[] { 1 }, cancellationToken);
    }

    [SuppressMessage("Reliability", "TLS001:TLS connection closed without a TLS shutdown", Justification = "Fire-and-forget telemetry; truncation is acceptable.")]
    public static async Task WithAttributeAsync(TcpClient client, CancellationToken cancellationToken)
    {
        using var tls = new SslStream(client.GetStream());
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "example.org" }, cancellationToken);
        await tls.WriteAsync(new byte[] { 1 }, cancellationToken);
    }
}
