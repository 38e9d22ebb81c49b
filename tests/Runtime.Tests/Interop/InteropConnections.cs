using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using TlsShutdown.Tests.Engine;
using TlsShutdown.Tests.Infrastructure;

namespace TlsShutdown.Tests.Interop;

/// <summary>Connecting our streams to the tools over 127.0.0.1, and reading their lines.</summary>
internal static class InteropConnections
{
    /// <summary>A TlsEngineStream client, authenticated against the tool listening on <paramref name="port"/>.</summary>
    public static async Task<TlsEngineStream> ConnectEngineAsync(int port, SslProtocols protocol, Action<SslClientAuthenticationOptions>? configure = null)
    {
        SslClientAuthenticationOptions options = TestTls.ClientOptions(protocol);
        configure?.Invoke(options);
        var client = new TlsEngineStream(await ConnectAsync(port));
        try
        {
            using var timeout = new CancellationTokenSource(EngineTls.HandshakeTimeout);
            await client.AuthenticateAsClientAsync(options, timeout.Token);
            Assert.Equal(protocol, client.SslProtocol);
            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    /// <summary>A client of the given kind ("SslStream", "SslStream+EofTrackingStream", "TlsEngineStream"), authenticated.</summary>
    public static async Task<Stream> ConnectAsync(string kind, int port, SslProtocols protocol)
    {
        if (kind == "TlsEngineStream")
        {
            return await ConnectEngineAsync(port, protocol);
        }

        NetworkStream transport = await ConnectAsync(port);
        var client = new SslStream(kind == "SslStream" ? transport : new EofTrackingStream(transport));
        try
        {
            using var timeout = new CancellationTokenSource(EngineTls.HandshakeTimeout);
            await client.AuthenticateAsClientAsync(TestTls.ClientOptions(protocol), timeout.Token);
            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    /// <summary>The close every interop test ends with: GracefulTlsClose with patient bounds.</summary>
    public static Task<TlsCloseResult> CloseAsync(Stream stream)
    {
        var options = new TlsCloseOptions { PeerCloseTimeout = TimeSpan.FromSeconds(10) };
        return stream is SslStream ssl ? GracefulTlsClose.CloseAsync(ssl, options) : GracefulTlsClose.CloseAsync((TlsEngineStream)stream, options);
    }

    /// <summary>A listener on 127.0.0.1 for a tool to connect to; <see cref="AcceptEngineAsync"/> takes its one connection.</summary>
    public static TcpListener Listen()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start(1);
        return listener;
    }

    public static int Port(TcpListener listener) => ((IPEndPoint)listener.LocalEndpoint).Port;

    /// <summary>Accepts the tool's connection and authenticates a TlsEngineStream server on it.</summary>
    public static async Task<TlsEngineStream> AcceptEngineAsync(TcpListener listener, SslProtocols protocol, string keyType, Action<SslServerAuthenticationOptions>? configure = null)
    {
        using var timeout = new CancellationTokenSource(EngineTls.HandshakeTimeout);
        Socket socket = await listener.AcceptSocketAsync(timeout.Token);
        var server = new TlsEngineStream(new NetworkStream(socket, ownsSocket: true));
        try
        {
            SslServerAuthenticationOptions options = TestTls.ServerOptions(protocol, EngineTls.Certificate(keyType));
            configure?.Invoke(options);
            await server.AuthenticateAsServerAsync(options, timeout.Token);
            Assert.Equal(protocol, server.SslProtocol);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Reads until <paramref name="text"/> has arrived (bounded); returns everything read.</summary>
    public static async Task<string> ReadUntilAsync(Stream stream, string text)
    {
        var received = new StringBuilder();
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(ToolProcess.OutputTimeout);
        while (!received.ToString().Contains(text, StringComparison.Ordinal))
        {
            int read = await stream.ReadAsync(buffer, timeout.Token);
            if (read == 0)
            {
                throw new EndOfStreamException($"The peer ended its side before sending \"{text}\"; received: \"{received}\".");
            }

            received.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        return received.ToString();
    }

    /// <summary>Reads until the peer's side ends cleanly (a read of 0, bounded); returns everything read.</summary>
    public static async Task<string> ReadToEndAsync(Stream stream)
    {
        var received = new StringBuilder();
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(ToolProcess.OutputTimeout);
        int read;
        while ((read = await stream.ReadAsync(buffer, timeout.Token)) > 0)
        {
            received.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        return received.ToString();
    }

    public static Task WriteLineAsync(Stream stream, string line) => stream.WriteAsync(Encoding.ASCII.GetBytes(line + "\n")).AsTask();

    /// <summary>A TCP connection to the tool on 127.0.0.1.</summary>
    private static async Task<NetworkStream> ConnectAsync(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            using var timeout = new CancellationTokenSource(EngineTls.HandshakeTimeout);
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), timeout.Token);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
