using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;

namespace CloseProbe.Peers;

/// <summary>How an embedded peer of the handshake probe misbehaves.</summary>
internal enum HandshakeBehavior
{
    /// <summary>Accepts the connection, reads the ClientHello, and never answers: the handshake stalls.</summary>
    Stalls,

    /// <summary>A real TLS server that speaks only the other TLS version: it answers with a fatal protocol_version alert.</summary>
    SendsFatalAlert,

    /// <summary>A real TLS 1.2 server that, after the handshake and one byte of data, asks for a client certificate:
    /// a renegotiation (HelloRequest).</summary>
    RequestsRenegotiation,
}

/// <summary>One embedded peer for the handshake probe on 127.0.0.1, serving every connection the same way until disposed.</summary>
internal sealed class HandshakePeer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private readonly HandshakeBehavior _behavior;
    private readonly SslProtocols _clientVersion;

    public HandshakePeer(HandshakeBehavior behavior, SslProtocols clientVersion)
    {
        _behavior = behavior;
        _clientVersion = clientVersion;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        await _accepting.ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        var connections = new List<Task>();
        try
        {
            while (true)
            {
                Socket socket = await _listener.AcceptSocketAsync(_stop.Token).ConfigureAwait(false);
                connections.Add(ServeAsync(socket));
            }
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
            // Stopped.
        }

        await Task.WhenAll(connections).ConfigureAwait(false);
    }

    private async Task ServeAsync(Socket socket)
    {
        socket.NoDelay = true;
        await using var transport = new NetworkStream(socket, ownsSocket: true);
        try
        {
            switch (_behavior)
            {
                case HandshakeBehavior.Stalls:
                    // Read (the ClientHello and whatever follows) and never write, until the client gives up.
                    var buffer = new byte[4096];
                    while (await transport.ReadAsync(buffer, _stop.Token).ConfigureAwait(false) > 0)
                    {
                    }

                    break;

                case HandshakeBehavior.SendsFatalAlert:
                    await using (var tls = new SslStream(transport))
                    {
                        SslProtocols other = _clientVersion == SslProtocols.Tls13 ? SslProtocols.Tls12 : SslProtocols.Tls13;
                        await tls.AuthenticateAsServerAsync(Options(other), _stop.Token).ConfigureAwait(false);
                    }

                    break;

                case HandshakeBehavior.RequestsRenegotiation:
                    await using (var tls = new SslStream(transport))
                    {
                        await tls.AuthenticateAsServerAsync(Options(SslProtocols.Tls12), _stop.Token).ConfigureAwait(false);
                        await tls.WriteAsync(new byte[] { 1 }, _stop.Token).ConfigureAwait(false);
                        using var limit = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                        limit.CancelAfter(HandshakeProbe.Patience);
#pragma warning disable CA1416 // The probe runs where SslStream renegotiates: Linux, Windows, FreeBSD.
                        await tls.NegotiateClientCertificateAsync(limit.Token).ConfigureAwait(false);
#pragma warning restore CA1416
                        await tls.WriteAsync(new byte[] { 2 }, _stop.Token).ConfigureAwait(false);
                        await tls.ShutdownAsync().WaitAsync(HandshakeProbe.Patience, _stop.Token).ConfigureAwait(false);
                    }

                    break;
            }
        }
        catch (Exception)
        {
            // The peer's own failures (the client refused, gave up or went away) are not what the probe measures.
        }
    }

    private static SslServerAuthenticationOptions Options(SslProtocols version) => new()
    {
        ServerCertificate = ProbeCertificate.Server,
        EnabledSslProtocols = version,

        // The renegotiation asks for a client certificate; a client without one is welcome all the same.
        RemoteCertificateValidationCallback = static (_, _, _, _) => true,
    };
}
