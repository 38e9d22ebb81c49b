using System.Net.Security;
using System.Net.Sockets;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace AllRules;

/// <summary>One mistake per TlsShutdown rule (TLS001-TLS008): the compatibility check of tests/EndToEnd/run.sh
/// compiles this with the SDK's compiler and analyzes it in a Roslyn 4.8 host, and expects the same diagnostics.</summary>
public static class Mistakes
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(5);

    /// <summary>TLS001: a using declaration disposes the SslStream, no close_notify.</summary>
    public static async Task<int> CloseWithoutShutdownAsync(TcpClient client, CancellationToken cancellationToken)
    {
        using var tls = new SslStream(client.GetStream());
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "example.org" }, cancellationToken);
        await tls.WriteAsync(new byte[] { 1 }, cancellationToken);
        return 1;
    }

    /// <summary>TLS002: reads until the peer's close_notify, with no time limit.</summary>
    public static async Task UnboundedPeerCloseWaitAsync(SslStream tls)
    {
        await tls.ShutdownAsync().WaitAsync(Limit);
        byte[] buffer = new byte[1024];
        while (await tls.ReadAsync(buffer) > 0)
        {
        }

        tls.Dispose();
    }

    /// <summary>TLS003: ShutdownAsync awaited with no bound.</summary>
    public static async Task UnboundedShutdownAsync(SslStream tls)
    {
        await tls.ShutdownAsync();
        tls.Dispose();
    }

    /// <summary>TLS004: the shutdown task is dropped and the stream disposed at once.</summary>
    public static void ShutdownNotAwaited(SslStream tls)
    {
        _ = tls.ShutdownAsync();
        tls.Dispose();
    }

    /// <summary>TLS005: a handshake with no cancellation token.</summary>
    public static async Task<SslStream> UnboundedHandshakeAsync(NetworkStream transport)
    {
        var tls = new SslStream(transport);
        await tls.AuthenticateAsClientAsync("example.org");
        return tls;
    }

    /// <summary>TLS006: a write after our close_notify.</summary>
    public static async Task WriteAfterShutdownAsync(SslStream tls)
    {
        await tls.ShutdownAsync().WaitAsync(Limit);
        await tls.WriteAsync(new byte[] { 1 });
        tls.Dispose();
    }

    /// <summary>TLS007: the message ends where the TLS stream ends.</summary>
    public static async Task TruncationProneReadAsync(SslStream tls, Stream file)
    {
        await tls.CopyToAsync(file);
    }

    /// <summary>TLS008: the transport under a BouncyCastle TLS protocol is closed first.</summary>
    public static void BouncyCastleTransportClosedFirst(NetworkStream transport)
    {
        var protocol = new TlsClientProtocol(transport);
        protocol.Connect(new NoAuthClient(new BcTlsCrypto(new SecureRandom())));
        protocol.Stream.WriteByte(1);
        transport.Close();
    }

    private sealed class NoAuthClient(BcTlsCrypto crypto) : DefaultTlsClient(crypto)
    {
        public override TlsAuthentication GetAuthentication() => throw new NotSupportedException("compiled, never run");
    }
}
