using System.Security.Authentication;
using BenchmarkDotNet.Attributes;
using TlsShutdown.Benchmarks.Peers;

namespace TlsShutdown.Benchmarks.Engine;

/// <summary>
/// One full handshake per operation (TCP connect, handshake, dispose) against an SslStream server in a child
/// process on the other core, with resumption off on both sides; ECDSA P-256 certificate, AES-128-GCM.
/// The clients accept the peer's certificate in a callback; SslStream and TlsEngineStream still build an X509Chain
/// before they call it (as they do for any connection), BouncyCastle's blocking client checks nothing.
/// Mean is the wall time of one handshake (it includes the server's work and 1 or 2 loopback round trips):
/// sequential handshakes per second are 1 / Mean.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(EngineBenchmarkConfig))]
public class HandshakeBenchmarks
{
    private PeerProcess? _peer;

    [Params(SslProtocols.Tls12, SslProtocols.Tls13)]
    public SslProtocols Protocol { get; set; }

    [GlobalSetup]
    public void StartPeer() => _peer = PeerProcess.Start(PeerKind.Sink, EngineBenchmarks.PeerCpu);

    [GlobalCleanup]
    public void StopPeer() => _peer?.Dispose();

    [Benchmark(Baseline = true, Description = "SslStream")]
    public async Task SslStreamHandshake()
    {
        await using var tls = await BenchmarkClients.ConnectSslStreamAsync(_peer!.Port, Protocol, readGreeting: false);
    }

    [Benchmark(Description = "TlsEngineStream")]
    public async Task EngineHandshake()
    {
        await using var tls = await BenchmarkClients.ConnectEngineAsync(_peer!.Port, Protocol, readGreeting: false);
    }

    [Benchmark(Description = "BC TlsClientProtocol (blocking)")]
    public void BouncyCastleHandshake() =>
        BenchmarkClients.ConnectBouncyCastle(_peer!.Port, Protocol, readGreeting: false).Close();
}
