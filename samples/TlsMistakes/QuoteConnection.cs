using System.Net;
using System.Net.Security;
using System.Net.Sockets;

namespace TlsMistakes;

/// <summary>A long-lived connection to the quote service that asks many questions.</summary>
public sealed class QuoteConnection : IDisposable
{
    private readonly TcpClient _client = new();
    private SslStream? _tls;

    public static async Task<QuoteConnection> OpenAsync(int port)
    {
        var connection = new QuoteConnection();
        await connection.ConnectAsync(port);
        return connection;
    }

    public async Task<string> AskAsync(string request)
    {
        SslStream tls = _tls ?? throw new InvalidOperationException("Not connected.");
        await LineProtocol.WriteLineAsync(tls, request);
        return await LineProtocol.ReadLineAsync(tls) ?? "(no answer)";
    }

    public void Dispose()
    {
        _client.Dispose();
    }

    private async Task ConnectAsync(int port)
    {
        await _client.ConnectAsync(IPAddress.Loopback, port);
        _tls = new SslStream(_client.GetStream(), false, DemoCertificate.Validate);
        await _tls.AuthenticateAsClientAsync("localhost");
    }
}
