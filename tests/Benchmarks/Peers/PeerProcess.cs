using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;

namespace TlsShutdown.Benchmarks.Peers;

/// <summary>A <see cref="PeerServer"/> in a child process, and TLS clients connected to it.</summary>
internal sealed class PeerProcess : IDisposable
{
    // Set by Program so that benchmark processes that BenchmarkDotNet generates can start the peer from our build.
    public const string HostVariable = "TLSSHUTDOWN_BENCHMARKS_HOST";

    private readonly Process _process;

    private PeerProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    /// <summary>Starts the peer; with <paramref name="cpu"/>, pinned to that CPU (through <c>taskset</c>, from exec on).</summary>
    public static PeerProcess Start(PeerKind kind, int? cpu = null)
    {
        string host = Environment.GetEnvironmentVariable(HostVariable)
            ?? throw new InvalidOperationException($"{HostVariable} is not set: run the benchmarks through Program.");
        var start = new ProcessStartInfo(cpu is null ? "dotnet" : "taskset") { RedirectStandardOutput = true, UseShellExecute = false };
        if (cpu is int pinned)
        {
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(pinned.ToString(System.Globalization.CultureInfo.InvariantCulture));
            start.ArgumentList.Add("dotnet");
        }

        start.ArgumentList.Add(host);
        start.ArgumentList.Add("peer");
        start.ArgumentList.Add(kind.ToString());
        Process process = Process.Start(start)!;
        string? line = process.StandardOutput.ReadLine();
        if (line is null || !line.StartsWith("PORT ", StringComparison.Ordinal))
        {
            process.Kill();
            throw new InvalidOperationException($"The peer process did not start: '{line}'.");
        }

        return new PeerProcess(process, int.Parse(line.AsSpan(5)));
    }

    /// <summary>Connects and completes a TLS handshake with the given protocol.</summary>
    public async Task<SslStream> ConnectAsync(SslProtocols protocol, bool trackEof = false)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, Port));
        Stream transport = new NetworkStream(socket, ownsSocket: true);
        if (trackEof)
        {
            transport = new EofTrackingStream(transport);
        }

        var tls = new SslStream(transport);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            EnabledSslProtocols = protocol,
            RemoteCertificateValidationCallback = static (_, _, _, _) => true, // the benchmark's own peer
        });

        var greeting = new byte[1];
        await tls.ReadExactlyAsync(greeting);
        return tls;
    }

    public void Dispose()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
    }
}
