using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;

namespace TlsShutdown.Benchmarks.Peers;

/// <summary>How the benchmark's TLS peer treats a connection once the handshake is done.</summary>
internal enum PeerKind
{
    /// <summary>Reads until our close_notify, answers with its own, then closes.</summary>
    Cooperative,

    /// <summary>Never reads, never writes, never closes: the close has to time out.</summary>
    Silent,

    /// <summary>
    /// Reads and discards until the client ends the connection, like <see cref="Cooperative"/>, but with the
    /// cipher suites pinned to AES-128-GCM (TLS_AES_128_GCM_SHA256, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256) and
    /// no session resumption: every handshake is a full one, every client encrypts with the same cipher.
    /// </summary>
    Sink,

    /// <summary>A <see cref="Sink"/> that lets clients resume their sessions, with the default cipher suites.</summary>
    ResumingSink,
}

/// <summary>
/// The TLS server the benchmarks close connections to. It runs in a child process (see
/// <see cref="PeerProcess"/>) so that its allocations and threads are not counted against the close.
/// </summary>
internal static class PeerServer
{
    public static readonly byte[] Greeting = [42];

    private static readonly Lazy<SslStreamCertificateContext> ResumingContext =
        new(() => SslStreamCertificateContext.Create(BenchmarkCertificate.Server, additionalCertificates: null));

    public static async Task RunAsync(PeerKind kind)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(4096);
        Console.WriteLine($"PORT {((IPEndPoint)listener.LocalEndPoint!).Port}");

        var held = new List<SslStream>();
        while (true)
        {
            Socket socket = await listener.AcceptAsync();
            _ = ServeAsync(socket, kind, held);
        }
    }

    private static async Task ServeAsync(Socket socket, PeerKind kind, List<SslStream> held)
    {
        if (kind is PeerKind.Sink or PeerKind.ResumingSink)
        {
            // Each flight of the handshake leaves at once (without it, Nagle holds TLS 1.2's last flight back for an ACK).
            socket.NoDelay = true;
        }

        var tls = new SslStream(new NetworkStream(socket, ownsSocket: true));
        try
        {
            var options = new SslServerAuthenticationOptions
            {
                ServerCertificate = BenchmarkCertificate.Server,
                EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            };
            if (kind == PeerKind.Sink)
            {
                options.AllowTlsResume = false;
                if (!OperatingSystem.IsWindows())
                {
                    options.CipherSuitesPolicy = new CipherSuitesPolicy(
                    [
                        TlsCipherSuite.TLS_AES_128_GCM_SHA256,
                        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
                    ]);
                }
            }
            else if (kind == PeerKind.ResumingSink)
            {
                // On Linux SslStream resumes server sessions only under a certificate context, and not at all with a
                // CipherSuitesPolicy: the cipher suites are the defaults here.
                options.ServerCertificate = null;
                options.ServerCertificateContext = ResumingContext.Value;
            }

            await tls.AuthenticateAsServerAsync(options);

            // One byte of application data, which the client reads before it closes, as an application reads a
            // response. It also makes the client take in TLS 1.3's post-handshake session tickets, which would
            // otherwise be processed by the close itself and dominate what is measured.
            await tls.WriteAsync(Greeting);

            if (kind == PeerKind.Silent)
            {
                lock (held)
                {
                    held.Add(tls);
                }

                return;
            }

            var buffer = new byte[16 * 1024];
            while (await tls.ReadAsync(buffer) > 0)
            {
            }

            await tls.ShutdownAsync();
        }
        catch (Exception)
        {
            // A client that went away mid-handshake or mid-close is not the peer's concern.
        }

        if (kind == PeerKind.Cooperative)
        {
            tls.Dispose();
        }
    }
}
