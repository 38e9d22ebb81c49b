namespace TlsShutdown.Tests.Infrastructure;

/// <summary>
/// A transport that passes the first <c>limit</c> bytes written through, then holds every further write until it
/// is disposed: a real TLS stack on top of it sends part of a flight and then goes quiet, as a peer stalled in the
/// middle of a handshake does. Reads pass through.
/// </summary>
public sealed class StallingStream(Stream inner, int limit) : NonSeekableStream
{
    private readonly CancellationTokenSource _disposed = new();
    private int _remaining = limit;

    /// <summary>Completes when a write has been held back: the peer has stalled.</summary>
    public Task Stalled => _stalled.Task;

    private readonly TaskCompletionSource _stalled = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        inner.ReadAsync(buffer, cancellationToken);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        inner.ReadAsync(buffer, offset, count, cancellationToken);

    public override void Write(byte[] buffer, int offset, int count) =>
        WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int passed = Math.Min(buffer.Length, Math.Max(_remaining, 0));
        if (passed > 0)
        {
            _remaining -= passed;
            await inner.WriteAsync(buffer[..passed], cancellationToken);
        }

        if (passed < buffer.Length)
        {
            _stalled.TrySetResult();
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposed.Token);
            await Task.Delay(Timeout.Infinite, linked.Token);
        }
    }

    public override void Flush() => inner.Flush();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _disposed.Cancel();
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
