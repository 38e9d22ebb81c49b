namespace TlsShutdown.Tests.Infrastructure;

/// <summary>
/// The zoo's peers run in the test process, on the thread pool, next to blocking closes (the synchronous
/// <c>Close</c> holds a pool thread for up to its whole wait). On a small machine the pool starts with one thread
/// per core and adds more only every half second or so: a peer's answer could then wait longer than the short
/// timeouts the tests use, and a close would time out for the test's own sake. Enough threads up front keep the
/// peers as responsive as a peer in another process would be.
/// </summary>
internal static class ThreadPoolHeadroom
{
    private const int MinimumThreads = 64;

    private static readonly Lazy<bool> Ensured = new(() =>
    {
        ThreadPool.GetMinThreads(out int workers, out int completionPorts);
        return ThreadPool.SetMinThreads(Math.Max(workers, MinimumThreads), Math.Max(completionPorts, MinimumThreads));
    });

    public static void Ensure() => _ = Ensured.Value;
}
