using System.Diagnostics;
using System.Net.Security;
using System.Security.Authentication;
using TlsShutdown.Benchmarks.Peers;

namespace TlsShutdown.Benchmarks.Storm;

/// <summary>
/// Thousands of concurrent closes against peers that never answer, each bounded by a one-second
/// <see cref="TlsCloseOptions.PeerCloseTimeout"/>: the closes must all end near that bound without
/// piling up threads or memory. Not a BenchmarkDotNet benchmark: the figures are about one burst.
/// </summary>
internal static class ShutdownStorm
{
    private static readonly TlsCloseOptions Options = new() { PeerCloseTimeout = TimeSpan.FromSeconds(1) };

    public static async Task<int> RunAsync(int closes, SslProtocols protocol)
    {
        using PeerProcess peer = PeerProcess.Start(PeerKind.Silent);
        Console.Error.WriteLine($"Opening {closes:N0} {protocol} connections to a silent peer...");
        SslStream[] connections = await OpenAsync(peer, closes, protocol);

        int threadsBefore = ThreadCount();
        long heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        int peakThreads = threadsBefore;
        using var sampling = new CancellationTokenSource();
        Task sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peakThreads = Math.Max(peakThreads, ThreadCount());
                await Task.Delay(20);
            }
        });

        long started = Stopwatch.GetTimestamp();
        // Closes start from every core at once, as they would from the handlers of many connections.
        var pending = new Task<TlsCloseResult>[closes];
        Parallel.For(0, closes, i => pending[i] = GracefulTlsClose.CloseAsync(connections[i], Options));

        TimeSpan allStarted = Stopwatch.GetElapsedTime(started);
        int stillPending = pending.Count(t => !t.IsCompleted);
        long heapPending = GC.GetTotalMemory(forceFullCollection: true);
        TlsCloseResult[] results = await Task.WhenAll(pending);
        TimeSpan wall = Stopwatch.GetElapsedTime(started);
        double[] durations = results.Select(r => r.Elapsed.TotalMilliseconds).Order().ToArray();
        await sampling.CancelAsync();
        await sampler;

        double bytesPerPending = (double)(heapPending - heapBefore) / Math.Max(1, stillPending);
        var outcomes = results.GroupBy(r => r.Outcome).Select(g => $"{g.Key} {g.Count():N0}");

        Console.WriteLine($"closes                 {closes:N0} (outcomes: {string.Join(", ", outcomes)})");
        Console.WriteLine($"all started after      {allStarted.TotalMilliseconds:N0} ms; pending then: {stillPending:N0}");
        Console.WriteLine($"close durations        min {durations[0]:N0} ms, median {durations[durations.Length / 2]:N0} ms, max {durations[^1]:N0} ms");
        Console.WriteLine($"wall time              {wall.TotalMilliseconds:N0} ms   (target <= 1,500 ms)  {Verdict(wall.TotalMilliseconds <= 1500)}");
        Console.WriteLine($"threads                {threadsBefore} before, {peakThreads} peak   (target <= 2x)  {Verdict(peakThreads <= 2 * threadsBefore)}");
        Console.WriteLine($"managed heap / pending {bytesPerPending:N0} bytes   (target <= 4,096)  {Verdict(bytesPerPending <= 4096)}");
        return results.All(r => r.Outcome == TlsCloseOutcome.TimedOut) ? 0 : 1;
    }

    private static async Task<SslStream[]> OpenAsync(PeerProcess peer, int count, SslProtocols protocol)
    {
        var connections = new SslStream[count];
        using var slots = new SemaphoreSlim(32);
        await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
        {
            await slots.WaitAsync();
            try
            {
                connections[i] = await peer.ConnectAsync(protocol);
            }
            finally
            {
                slots.Release();
            }
        }));
        return connections;
    }

    private static int ThreadCount()
    {
        using var self = Process.GetCurrentProcess();
        return self.Threads.Count;
    }

    private static string Verdict(bool met) => met ? "met" : "MISSED";
}
