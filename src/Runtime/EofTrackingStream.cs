namespace TlsShutdown;

/// <summary>
/// A pass-through stream that remembers whether its inner stream reached the end. Put it between an
/// <see cref="System.Net.Security.SslStream"/> and its transport, and <see cref="GracefulTlsClose"/> can tell
/// the peer's close_notify (<see cref="TlsCloseOutcome.Clean"/>) from a bare FIN or reset
/// (<see cref="TlsCloseOutcome.Truncated"/>), which SslStream itself reports the same way.
/// </summary>
/// <example>
/// <code>
/// var ssl = new SslStream(new EofTrackingStream(tcpClient.GetStream()));
/// </code>
/// </example>
public sealed class EofTrackingStream : Stream
{
    private readonly bool _leaveOpen;
    private volatile bool _reachedEof;

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    /// <param name="inner">The transport, typically a <see cref="System.Net.Sockets.NetworkStream"/>.</param>
    /// <param name="leaveOpen">Whether disposing this stream leaves <paramref name="inner"/> open.</param>
    /// <exception cref="ArgumentNullException"><paramref name="inner"/> is null.</exception>
    public EofTrackingStream(Stream inner, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(inner);
        InnerStream = inner;
        _leaveOpen = leaveOpen;
    }

    /// <summary>
    /// Whether a read of the inner stream returned 0 for a non-empty buffer: the transport ended. Zero-byte
    /// reads, which SslStream issues to wait for data without holding a buffer, do not count.
    /// </summary>
    public bool ReachedEof => _reachedEof;

    /// <summary>The wrapped stream.</summary>
    public Stream InnerStream { get; }

    /// <inheritdoc/>
    public override bool CanRead => InnerStream.CanRead;

    /// <inheritdoc/>
    public override bool CanWrite => InnerStream.CanWrite;

    /// <inheritdoc/>
    public override bool CanSeek => false;

    /// <inheritdoc/>
    public override bool CanTimeout => InnerStream.CanTimeout;

    /// <inheritdoc/>
    public override int ReadTimeout
    {
        get => InnerStream.ReadTimeout;
        set => InnerStream.ReadTimeout = value;
    }

    /// <inheritdoc/>
    public override int WriteTimeout
    {
        get => InnerStream.WriteTimeout;
        set => InnerStream.WriteTimeout = value;
    }

    /// <inheritdoc/>
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc/>
    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <inheritdoc/>
    public override int Read(byte[] buffer, int offset, int count) => Track(InnerStream.Read(buffer, offset, count), count);

    /// <inheritdoc/>
    public override int Read(Span<byte> buffer) => Track(InnerStream.Read(buffer), buffer.Length);

    /// <inheritdoc/>
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc/>
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ValueTask<int> read = InnerStream.ReadAsync(buffer, cancellationToken);
        return read.IsCompletedSuccessfully
            ? new ValueTask<int>(Track(read.Result, buffer.Length))
            : AwaitAndTrack(read, buffer.Length);
    }

    /// <inheritdoc/>
    public override void Write(byte[] buffer, int offset, int count) => InnerStream.Write(buffer, offset, count);

    /// <inheritdoc/>
    public override void Write(ReadOnlySpan<byte> buffer) => InnerStream.Write(buffer);

    /// <inheritdoc/>
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        InnerStream.WriteAsync(buffer, offset, count, cancellationToken);

    /// <inheritdoc/>
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        InnerStream.WriteAsync(buffer, cancellationToken);

    /// <inheritdoc/>
    public override void Flush() => InnerStream.Flush();

    /// <inheritdoc/>
    public override Task FlushAsync(CancellationToken cancellationToken) => InnerStream.FlushAsync(cancellationToken);

    /// <inheritdoc/>
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing && !_leaveOpen)
        {
            InnerStream.Dispose();
        }

        base.Dispose(disposing);
    }

    private async ValueTask<int> AwaitAndTrack(ValueTask<int> read, int requested) =>
        Track(await read.ConfigureAwait(false), requested);

    private int Track(int read, int requested)
    {
        if (read == 0 && requested > 0)
        {
            _reachedEof = true;
        }

        return read;
    }
}
