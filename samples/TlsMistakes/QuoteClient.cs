using System.Net;
using System.Net.Security;
using System.Net.Sockets;

namespace TlsMistakes;

/// <summary>One-shot clients of the quote service.</summary>
public static class QuoteClient
{
    public static async Task<string> GetQuoteAsync(int port)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        using var tls = new SslStream(client.GetStream(), false, DemoCertificate.Validate);
        await tls.AuthenticateAsClientAsync("localhost");

        await LineProtocol.WriteLineAsync(tls, "QUOTE");
        return await LineProtocol.ReadLineAsync(tls) ?? "(no answer)";
    }

    /// <summary>Says goodbye properly: our close_notify, then waits for the server's.</summary>
    public static async Task<string> GetQuotePolitelyAsync(int port)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        var tls = new SslStream(client.GetStream(), false, DemoCertificate.Validate);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost" }, CancellationToken.None);

        await LineProtocol.WriteLineAsync(tls, "QUOTE");
        string quote = await LineProtocol.ReadLineAsync(tls) ?? "(no answer)";

        await tls.ShutdownAsync();
        byte[] buffer = new byte[4096];
        while (await tls.ReadAsync(buffer) > 0)
        {
        }

        tls.Dispose();
        return quote;
    }
}
