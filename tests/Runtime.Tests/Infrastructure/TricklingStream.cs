namespace TlsShutdown.Tests.Infrastructure;

/// <summary>
/// A transport that writes one byte at a time, <c>interval</c> apart: a real TLS stack on top of it makes progress,
/// but slowly, as a peer that trickles its handshake does (each byte resets a per-read timeout; only a bound on the
/// whole handshake stops it). Reads pass through; disposing stops the trickle.
/// </summary>
public sealed class TricklingStream(Stream inner, TimeSpan interval) : NonSeekableStream
{
    private readonly CancellationTokenSource _disposed = new();

    /// <summary>Bytes written to the transport so far.</summary>
    public int BytesWritten => Volatile.Read(ref _written);

    private int _written;

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
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposed.Token);
        for (int i = 0; i < buffer.Length; i++)
        {
            await inner.WriteAsync(buffer.Slice(i, 1), linked.Token);
            Interlocked.Increment(ref _written);
            await Task.Delay(interval, linked.Token);
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
