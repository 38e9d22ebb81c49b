namespace TlsShutdown.Tests.Infrastructure;

/// <summary>
/// The members every test transport shares: readable, writable, not seekable, no length or position. The
/// transports then say only what makes each of them different.
/// </summary>
public abstract class NonSeekableStream : Stream
{
    public override bool CanRead => true;

    public override bool CanWrite => true;

    public sealed override bool CanSeek => false;

    public sealed override long Length => throw new NotSupportedException();

    public sealed override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public sealed override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public sealed override void SetLength(long value) => throw new NotSupportedException();
}
