using System.Net;
using System.Net.Security;
using System.Net.Sockets;

namespace TlsMistakes;

/// <summary>A long-lived connection to the quote service that asks many questions.</summary>
public sealed class QuoteConnection : IDisposable
{
    private readonly TcpClient _client;
    private readonly SslStream _tls;

    private QuoteConnection(TcpClient client, SslStream tls)
    {
        _client = client;
        _tls = tls;
    }

    public static async Task<QuoteConnection> OpenAsync(int port)
    {
        var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        var tls = new SslStream(client.GetStream(), false, DemoCertificate.Validate);
        await tls.AuthenticateAsClientAsync("localhost");
        return new QuoteConnection(client, tls);
    }

    public async Task<string> AskAsync(string request)
    {
        await LineProtocol.WriteLineAsync(_tls, request);
        return await LineProtocol.ReadLineAsync(_tls) ?? "(no answer)";
    }

    public void Dispose()
    {
        _client.Dispose();
    }
}
