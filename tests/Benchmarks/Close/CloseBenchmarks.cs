using System.Net.Security;
using System.Security.Authentication;
using BenchmarkDotNet.Attributes;
using TlsShutdown.Benchmarks.Peers;

namespace TlsShutdown.Benchmarks.Close;

/// <summary>
/// The close of one connection to a cooperative peer on loopback: <see cref="GracefulTlsClose"/> against the
/// hand-written pattern it replaces (ShutdownAsync, read until 0, Dispose). Each iteration first opens
/// <see cref="ConnectionsPerIteration"/> connections, outside the measurement; each invocation closes one.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(CloseBenchmarkConfig))]
public class CloseBenchmarks
{
    public const int ConnectionsPerIteration = 500;

    private readonly byte[] _buffer = new byte[16 * 1024];
    private readonly Queue<SslStream> _connections = new();
    private PeerProcess? _peer;

    [Params(SslProtocols.Tls12, SslProtocols.Tls13)]
    public SslProtocols Protocol { get; set; }

    [GlobalSetup]
    public void StartPeer() => _peer = PeerProcess.Start(PeerKind.Cooperative);

    [GlobalCleanup]
    public void StopPeer() => _peer?.Dispose();

    [IterationSetup]
    public void OpenConnections()
    {
        for (int i = 0; i < ConnectionsPerIteration; i++)
        {
            _connections.Enqueue(_peer!.ConnectAsync(Protocol).GetAwaiter().GetResult());
        }
    }

    [IterationCleanup]
    public void DisposeLeftovers()
    {
        while (_connections.TryDequeue(out SslStream? connection))
        {
            connection.Dispose();
        }
    }

    [Benchmark(Baseline = true, Description = "ShutdownAsync + read until 0")]
    public async Task HandWritten()
    {
        SslStream tls = _connections.Dequeue();
        await tls.ShutdownAsync();
        while (await tls.ReadAsync(_buffer) > 0)
        {
        }

        tls.Dispose();
    }

    [Benchmark(Description = "GracefulTlsClose.CloseAsync")]
    public async Task<TlsCloseOutcome> Graceful()
    {
        TlsCloseResult result = await GracefulTlsClose.CloseAsync(_connections.Dequeue());
        return result.Outcome;
    }
}
