using System.Security.Authentication;
using TlsShutdown.Benchmarks.Engine;
using TlsShutdown.Benchmarks.Peers;

namespace TlsShutdown.Benchmarks.Idle;

/// <summary>
/// Managed memory per idle connection, measured the same way for SslStream and TlsEngineStream: open many client
/// connections to a <see cref="PeerKind.Sink"/> peer in a child process (handshake, the greeting read, one
/// 64 KiB write so that buffers have been used), leave each waiting in a zero-byte read, and divide the growth of
/// the managed heap (after full collections) by the number of connections. Sockets and the streams' own objects
/// are included; the peer's are not. Then every stream is disposed while its read is pending: each read must end.
/// Not a BenchmarkDotNet benchmark: the figure is about one population of connections.
/// </summary>
internal static class IdleConnections
{
    public static async Task<int> RunAsync(int connections, SslProtocols protocol)
    {
        using PeerProcess peer = PeerProcess.Start(PeerKind.Sink);
        int failures = 0;
        foreach ((string name, Func<Task<Stream>> connect) in new (string, Func<Task<Stream>>)[]
        {
            ("SslStream", async () => await BenchmarkClients.ConnectSslStreamAsync(peer.Port, protocol, readGreeting: true)),
            ("TlsEngineStream", async () => await BenchmarkClients.ConnectEngineAsync(peer.Port, protocol, readGreeting: true)),
        })
        {
            failures += await MeasureAsync(name, connect, connections);
        }

        return failures == 0 ? 0 : 1;
    }

    private static async Task<int> MeasureAsync(string name, Func<Task<Stream>> connect, int count)
    {
        var payload = new byte[64 * 1024];
        Random.Shared.NextBytes(payload);

        // One connection first, so that code paths, pools and caches are warm before the baseline.
        await using (Stream warm = await connect())
        {
            await warm.WriteAsync(payload);
        }

        long before = GC.GetTotalMemory(forceFullCollection: true);
        var streams = new Stream[count];
        var reads = new Task<int>[count];
        for (int i = 0; i < count; i++)
        {
            streams[i] = await connect();
            await streams[i].WriteAsync(payload);
            reads[i] = streams[i].ReadAsync(Memory<byte>.Empty).AsTask();
        }

        long idle = GC.GetTotalMemory(forceFullCollection: true);
        int stillPending = reads.Count(r => !r.IsCompleted);

        foreach (Stream stream in streams)
        {
            await stream.DisposeAsync();
        }

        int ended = 0;
        foreach (Task<int> read in reads)
        {
            try
            {
                await read.WaitAsync(TimeSpan.FromSeconds(10));
                ended++;
            }
            catch (Exception error) when (error is IOException or ObjectDisposedException)
            {
                ended++;
            }
        }

        Console.WriteLine($"{name,-16} {count:N0} idle connections: {(double)(idle - before) / count:N0} bytes of managed heap each; " +
            $"reads pending {stillPending:N0}; reads ended after dispose {ended:N0}");
        return stillPending == count && ended == count ? 0 : 1;
    }
}
