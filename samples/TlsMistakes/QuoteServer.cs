using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using TlsShutdown;

namespace TlsMistakes;

/// <summary>Answers each "QUOTE" line with a quote, until the client closes.</summary>
public sealed class QuoteServer(X509Certificate2 certificate)
{
    private static readonly string[] Quotes =
    [
        "Data after a closure alert is ignored. (RFC 5246)",
        "Each party MUST send a close_notify alert before closing its write side. (RFC 8446)",
        "A truncation attack looks exactly like a clean close without close_notify.",
    ];

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly List<Task<string>> _connections = [];
    private Task? _acceptLoop;

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public void Start()
    {
        _listener.Start();
        _acceptLoop = AcceptLoopAsync();
    }

    /// <summary>Waits for the connections to end and returns what the server saw of each.</summary>
    public async Task<IReadOnlyList<string>> StopAsync(int expectedConnections)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (_connections.Count < expectedConnections && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        string[] seen = await Task.WhenAll(_connections).WaitAsync(TimeSpan.FromSeconds(10));
        _listener.Stop();
        await _acceptLoop!;
        return seen.Select((s, i) => $"server: connection {i + 1}: {s}").ToArray();
    }

    private async Task AcceptLoopAsync()
    {
        while (true)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync();
            }
            catch (Exception)
            {
                return; // stopped
            }

            _connections.Add(Task.Run(() => ServeAsync(client)));
        }
    }

    private async Task<string> ServeAsync(TcpClient client)
    {
        // The tracker tells the client's close_notify from a bare TCP close, which SslStream reports alike.
        var tracker = new EofTrackingStream(client.GetStream());
        using var tls = new SslStream(tracker);
        await tls.AuthenticateAsServerAsync(certificate);

        string seen = await ServeRequestsAsync(tls, tracker);
        return seen;
    }

    private static async Task<string> ServeRequestsAsync(SslStream tls, EofTrackingStream tracker)
    {
        int served = 0;
        try
        {
            while (await LineProtocol.ReadLineAsync(tls) is string request)
            {
                string answer = request == "QUOTE" ? Quotes[served++ % Quotes.Length] : "ERROR unknown request";
                await tls.WriteAsync(Encoding.UTF8.GetBytes(answer + "\n"));
            }
        }
        catch (IOException error)
        {
            return $"{served} request(s), then the connection failed: {error.Message}";
        }

        return tracker.ReachedEof
            ? $"{served} request(s), then the client closed TCP WITHOUT close_notify (a truncation would look the same)"
            : $"{served} request(s), then the client sent close_notify (a clean end)";
    }
}
