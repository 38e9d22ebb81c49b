using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using TlsShutdown.Tests.Infrastructure;

namespace TlsShutdown.Tests.Handshakes;

/// <summary>The handshake calls under test: <see cref="TlsHandshake"/>'s four overload families over either stream type.</summary>
internal static class HandshakeCalls
{
    public const string SslStreamType = nameof(SslStream);
    public const string EngineType = nameof(TlsEngineStream);

    /// <summary>Bound on what a test waits for: generous, only a broken bound reaches it.</summary>
    public static readonly TimeSpan Generous = TimeSpan.FromSeconds(20);

    /// <summary>Stream type x TLS version x (async, sync).</summary>
    public static TheoryData<string, SslProtocols, bool> All
    {
        get
        {
            var data = new TheoryData<string, SslProtocols, bool>();
            foreach (string type in new[] { SslStreamType, EngineType })
            {
                foreach (SslProtocols protocol in TestTls.Protocols)
                {
                    data.Add(type, protocol, false);
                    data.Add(type, protocol, true);
                }
            }

            return data;
        }
    }

    /// <summary>Stream type x TLS version.</summary>
    public static TheoryData<string, SslProtocols> TypesAndProtocols
    {
        get
        {
            var data = new TheoryData<string, SslProtocols>();
            foreach (string type in new[] { SslStreamType, EngineType })
            {
                foreach (SslProtocols protocol in TestTls.Protocols)
                {
                    data.Add(type, protocol);
                }
            }

            return data;
        }
    }

    /// <summary>The TLS stream of <paramref name="streamType"/> over <paramref name="transport"/>.</summary>
    public static Stream Create(string streamType, Stream transport, bool leaveInnerStreamOpen = false) => streamType switch
    {
        SslStreamType => new SslStream(transport, leaveInnerStreamOpen),
        EngineType => new TlsEngineStream(transport, leaveInnerStreamOpen),
        _ => throw new ArgumentOutOfRangeException(nameof(streamType)),
    };

    /// <summary>The client handshake through <see cref="TlsHandshake"/>; a sync call runs on a pool thread of its own.</summary>
    public static Task ClientAsync(Stream tls, SslClientAuthenticationOptions options, TimeSpan? timeout, bool sync, CancellationToken cancellationToken = default) =>
        (tls, sync) switch
        {
            (SslStream s, false) => TlsHandshake.AuthenticateAsClientAsync(s, options, timeout, cancellationToken),
            (SslStream s, true) => Task.Run(() => TlsHandshake.AuthenticateAsClient(s, options, timeout)),
            (TlsEngineStream e, false) => TlsHandshake.AuthenticateAsClientAsync(e, options, timeout, cancellationToken),
            (TlsEngineStream e, true) => Task.Run(() => TlsHandshake.AuthenticateAsClient(e, options, timeout)),
            _ => throw new ArgumentOutOfRangeException(nameof(tls)),
        };

    /// <summary>The server handshake through <see cref="TlsHandshake"/>; a sync call runs on a pool thread of its own.</summary>
    public static Task ServerAsync(Stream tls, SslServerAuthenticationOptions options, TimeSpan? timeout, bool sync, CancellationToken cancellationToken = default) =>
        (tls, sync) switch
        {
            (SslStream s, false) => TlsHandshake.AuthenticateAsServerAsync(s, options, timeout, cancellationToken),
            (SslStream s, true) => Task.Run(() => TlsHandshake.AuthenticateAsServer(s, options, timeout)),
            (TlsEngineStream e, false) => TlsHandshake.AuthenticateAsServerAsync(e, options, timeout, cancellationToken),
            (TlsEngineStream e, true) => Task.Run(() => TlsHandshake.AuthenticateAsServer(e, options, timeout)),
            _ => throw new ArgumentOutOfRangeException(nameof(tls)),
        };

    /// <summary>Reads from <paramref name="socket"/> until the connection ends; returns the bytes read. Bounded by <see cref="Generous"/>.</summary>
    public static async Task<int> ReadUntilEndAsync(Socket socket)
    {
        using var timeout = new CancellationTokenSource(Generous);
        var buffer = new byte[16 * 1024];
        int total = 0;
        while (true)
        {
            int read;
            try
            {
                read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            }
            catch (SocketException)
            {
                return total;   // a reset ends it too
            }

            if (read == 0)
            {
                return total;
            }

            total += read;
        }
    }

    /// <summary>Waits until the first bytes of a handshake (a ClientHello) have arrived on <paramref name="socket"/>.</summary>
    public static async Task WaitForBytesAsync(Socket socket)
    {
        using var timeout = new CancellationTokenSource(Generous);
        var buffer = new byte[1];
        int read = await socket.ReceiveAsync(buffer, SocketFlags.Peek, timeout.Token);
        Assert.Equal(1, read);
    }
}
