namespace TlsShutdown.Tests.Infrastructure;

/// <summary>
/// The peer's own view of its transport: a pass-through stream that notes when a read hit the end of the
/// connection or failed. Deliberately independent of the runtime's <c>EofTrackingStream</c>, which is under test.
/// </summary>
internal sealed class TransportObservingStream(Stream inner) : NonSeekableStream
{
    private volatile bool _sawEndOfStream;
    private volatile Exception? _failure;

    /// <summary>A read for at least one byte returned 0.</summary>
    public bool SawEndOfStream => _sawEndOfStream;

    /// <summary>The first read or write that threw, if any.</summary>
    public Exception? Failure => _failure;

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            int read = await inner.ReadAsync(buffer, cancellationToken);
            if (read == 0 && buffer.Length > 0)
            {
                _sawEndOfStream = true;
            }

            return read;
        }
        catch (Exception error)
        {
            _failure ??= error;
            throw;
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) =>
        WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            await inner.WriteAsync(buffer, cancellationToken);
        }
        catch (Exception error)
        {
            _failure ??= error;
            throw;
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
