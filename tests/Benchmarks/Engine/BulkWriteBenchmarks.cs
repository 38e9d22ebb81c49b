using System.Net.Security;
using System.Security.Authentication;
using BenchmarkDotNet.Attributes;
using Org.BouncyCastle.Tls;
using TlsShutdown.Benchmarks.Peers;
using TlsShutdown.Engine;

namespace TlsShutdown.Benchmarks.Engine;

/// <summary>
/// Bulk throughput of the client side, TLS 1.3 with TLS_AES_128_GCM_SHA256 (pinned by the server), loopback TCP:
/// 64 KiB writes to an SslStream server in a child process that reads and discards. Only the client differs:
/// TlsEngineStream (its default crypto: records on .NET's AES-GCM; and BouncyCastle's own crypto, the fallback),
/// SslStream, BouncyCastle's blocking <c>TlsClientProtocol.Stream</c>. One operation is one 64 KiB write (each
/// invocation makes <see cref="WritesPerInvocation"/> of them), so Mean and Allocated are per write.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(EngineBenchmarkConfig))]
public class BulkWriteBenchmarks
{
    public const int WriteSize = 64 * 1024;
    public const int WritesPerInvocation = 64;

    private readonly byte[] _payload = new byte[WriteSize];
    private PeerProcess? _peer;
    private TlsEngineStream? _engine;
    private TlsEngineStream? _engineBouncyCastleCrypto;
    private SslStream? _sslStream;
    private TlsClientProtocol? _bouncyCastle;

    [GlobalSetup]
    public void Connect()
    {
        Random.Shared.NextBytes(_payload);
        _peer = PeerProcess.Start(PeerKind.Sink, EngineBenchmarks.PeerCpu);
        _engine = BenchmarkClients.ConnectEngineAsync(_peer.Port, SslProtocols.Tls13, readGreeting: true).GetAwaiter().GetResult();
        using (EngineCrypto.Use(EngineCrypto.BouncyCastle))
        {
            _engineBouncyCastleCrypto = BenchmarkClients.ConnectEngineAsync(_peer.Port, SslProtocols.Tls13, readGreeting: true).GetAwaiter().GetResult();
        }

        _sslStream = BenchmarkClients.ConnectSslStreamAsync(_peer.Port, SslProtocols.Tls13, readGreeting: true).GetAwaiter().GetResult();
        _bouncyCastle = BenchmarkClients.ConnectBouncyCastle(_peer.Port, SslProtocols.Tls13, readGreeting: true, out int bcSuite);

        // The server offers only AES-128-GCM; TlsEngineStream could not have connected with anything else.
        if (_sslStream.NegotiatedCipherSuite != TlsCipherSuite.TLS_AES_128_GCM_SHA256 || bcSuite != CipherSuite.TLS_AES_128_GCM_SHA256)
        {
            throw new InvalidOperationException($"Cipher suites not pinned: SslStream {_sslStream.NegotiatedCipherSuite}, BouncyCastle 0x{bcSuite:X4}.");
        }
    }

    [GlobalCleanup]
    public void Disconnect()
    {
        _engine?.Dispose();
        _engineBouncyCastleCrypto?.Dispose();
        _sslStream?.Dispose();
        _bouncyCastle?.Close();
        _peer?.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = WritesPerInvocation, Description = "BC TlsClientProtocol.Stream.Write")]
    [BytesPerOperation(WriteSize)]
    public void BouncyCastleBlocking()
    {
        Stream stream = _bouncyCastle!.Stream;
        for (int i = 0; i < WritesPerInvocation; i++)
        {
            stream.Write(_payload, 0, WriteSize);
        }
    }

    [Benchmark(OperationsPerInvoke = WritesPerInvocation, Description = "TlsEngineStream.Write")]
    [BytesPerOperation(WriteSize)]
    public void EngineSync()
    {
        for (int i = 0; i < WritesPerInvocation; i++)
        {
            _engine!.Write(_payload, 0, WriteSize);
        }
    }

    [Benchmark(OperationsPerInvoke = WritesPerInvocation, Description = "TlsEngineStream.Write, BC crypto")]
    [BytesPerOperation(WriteSize)]
    public void EngineSyncBouncyCastleCrypto()
    {
        for (int i = 0; i < WritesPerInvocation; i++)
        {
            _engineBouncyCastleCrypto!.Write(_payload, 0, WriteSize);
        }
    }

    [Benchmark(OperationsPerInvoke = WritesPerInvocation, Description = "TlsEngineStream.WriteAsync")]
    [BytesPerOperation(WriteSize)]
    public async Task EngineAsync()
    {
        for (int i = 0; i < WritesPerInvocation; i++)
        {
            await _engine!.WriteAsync(_payload);
        }
    }

    [Benchmark(OperationsPerInvoke = WritesPerInvocation, Description = "SslStream.Write")]
    [BytesPerOperation(WriteSize)]
    public void SslStreamSync()
    {
        for (int i = 0; i < WritesPerInvocation; i++)
        {
            _sslStream!.Write(_payload, 0, WriteSize);
        }
    }

    [Benchmark(OperationsPerInvoke = WritesPerInvocation, Description = "SslStream.WriteAsync")]
    [BytesPerOperation(WriteSize)]
    public async Task SslStreamAsync()
    {
        for (int i = 0; i < WritesPerInvocation; i++)
        {
            await _sslStream!.WriteAsync(_payload);
        }
    }
}
