using System.Security.Authentication;
using BenchmarkDotNet.Attributes;
using TlsShutdown.Benchmarks.Peers;

namespace TlsShutdown.Benchmarks.Engine;

/// <summary>
/// TLS 1.2 handshakes with and without session resumption, SslStream and TlsEngineStream in the same run, against
/// one SslStream server in a child process that lets clients resume (<see cref="PeerKind.ResumingSink"/>). One
/// operation: TCP connect, handshake, close_notify sent (<see cref="GracefulTlsClose"/> without waiting for the
/// peer's), dispose. The close_notify matters: OpenSSL forgets a session whose connection ended without one. With
/// resumption on, every handshake after the first is abbreviated (no certificate, no key exchange). TLS 1.2 only: TlsEngineStream cannot resume TLS 1.3 sessions (BouncyCastle 2.7
/// has no TLS 1.3 tickets). Handshakes per second = 1 / Mean.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(EngineBenchmarkConfig))]
public class ResumptionBenchmarks
{
    private const SslProtocols Protocol = SslProtocols.Tls12;

    private static readonly TlsCloseOptions Close = new() { PeerCloseTimeout = TimeSpan.Zero };

    private PeerProcess? _peer;

    [GlobalSetup]
    public void StartPeer()
    {
        _peer = PeerProcess.Start(PeerKind.ResumingSink, EngineBenchmarks.PeerCpu);

        // The comparison means something only if the engine really resumes against this server.
        GracefulTlsClose.Close(BenchmarkClients.ConnectEngineAsync(_peer.Port, Protocol, readGreeting: false, allowResume: true).GetAwaiter().GetResult(), Close);
        TlsEngineStream second = BenchmarkClients.ConnectEngineAsync(_peer.Port, Protocol, readGreeting: false, allowResume: true).GetAwaiter().GetResult();
        bool resumed = second.IsResumedSession;
        GracefulTlsClose.Close(second, Close);
        if (!resumed)
        {
            throw new InvalidOperationException("TlsEngineStream did not resume its session with the benchmark's server.");
        }
    }

    [GlobalCleanup]
    public void StopPeer() => _peer?.Dispose();

    [Benchmark(Baseline = true, Description = "SslStream, full")]
    public async Task SslStreamFull()
    {
        await GracefulTlsClose.CloseAsync(await BenchmarkClients.ConnectSslStreamAsync(_peer!.Port, Protocol, readGreeting: false), Close);
    }

    [Benchmark(Description = "SslStream, resumed")]
    public async Task SslStreamResumed()
    {
        await GracefulTlsClose.CloseAsync(await BenchmarkClients.ConnectSslStreamAsync(_peer!.Port, Protocol, readGreeting: false, allowResume: true), Close);
    }

    [Benchmark(Description = "TlsEngineStream, full")]
    public async Task EngineFull()
    {
        await GracefulTlsClose.CloseAsync(await BenchmarkClients.ConnectEngineAsync(_peer!.Port, Protocol, readGreeting: false), Close);
    }

    [Benchmark(Description = "TlsEngineStream, resumed")]
    public async Task EngineResumed()
    {
        await GracefulTlsClose.CloseAsync(await BenchmarkClients.ConnectEngineAsync(_peer!.Port, Protocol, readGreeting: false, allowResume: true), Close);
    }
}
