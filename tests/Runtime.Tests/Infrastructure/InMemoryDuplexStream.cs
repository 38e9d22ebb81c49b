using System.Buffers;
using System.IO.Pipelines;

namespace TlsShutdown.Tests.Infrastructure;

/// <summary>
/// One end of an in-memory connection: reads what the other end wrote, through <see cref="Pipe"/>s. For tests
/// that run thousands of real TLS exchanges (both sides real TLS) without a socket each. Disposing an end, or
/// <see cref="CompleteWrites"/>, is its FIN: the other end then reads 0.
/// </summary>
public sealed class InMemoryDuplexStream : NonSeekableStream
{
    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private int _writesCompleted;
    private int _waiting;
    private InMemoryDuplexStream? _peer;
    private int _disposed;

    /// <summary>An end that reads <paramref name="input"/> and writes <paramref name="output"/>.</summary>
    public InMemoryDuplexStream(PipeReader input, PipeWriter output)
    {
        _input = input;
        _output = output;
    }

    /// <summary>Bytes written to this end are also copied here while it is set (null: not recorded).</summary>
    public MemoryStream? Recording { get; set; }

    /// <summary>While true, writes go only to <see cref="Recording"/>, not to the other end: a test can then
    /// change them before it delivers them with <see cref="WriteRawAsync"/>.</summary>
    public bool Divert { get; set; }

    /// <summary>When set, each write is delivered as this function changes it (a man in the middle).</summary>
    public Func<byte[], byte[]>? Transform { get; set; }

    /// <summary>Whether a read on this end is waiting for the other end to write.</summary>
    public bool IsWaitingForInput => Volatile.Read(ref _waiting) != 0;

    /// <summary>Raised when a read on this end starts waiting for the other end to write. With
    /// <see cref="IsWaitingForInput"/> of both ends of a pair, a test can tell that a conversation it tampered
    /// with is stuck, each side waiting for the other: a write to an end clears its waiting at once.</summary>
    public event Action? WaitingForInput;

    /// <inheritdoc/>
    public override bool CanRead => _disposed == 0;

    /// <inheritdoc/>
    public override bool CanWrite => _disposed == 0;

    /// <summary>Two connected ends. The pipes never hold back a writer, so neither end needs the other to read.</summary>
    public static (InMemoryDuplexStream First, InMemoryDuplexStream Second) CreatePair()
    {
        var options = new PipeOptions(pauseWriterThreshold: 0, resumeWriterThreshold: 0, useSynchronizationContext: false);
        var firstToSecond = new Pipe(options);
        var secondToFirst = new Pipe(options);
        var first = new InMemoryDuplexStream(secondToFirst.Reader, firstToSecond.Writer);
        var second = new InMemoryDuplexStream(firstToSecond.Reader, secondToFirst.Writer);
        first._peer = second;
        second._peer = first;
        return (first, second);
    }

    /// <summary>Delivers <paramref name="data"/> to the other end as it is, whatever <see cref="Divert"/> says.</summary>
    public async Task WriteRawAsync(ReadOnlyMemory<byte> data)
    {
        await DeliverAsync(data, CancellationToken.None);
    }

    /// <summary>Ends this direction: the other end reads 0 once it has read everything before.</summary>
    public void CompleteWrites()
    {
        if (Interlocked.Exchange(ref _writesCompleted, 1) == 0)
        {
            _peer?.StopWaiting();
            _output.Complete();
        }
    }

    /// <inheritdoc/>
    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    /// <inheritdoc/>
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc/>
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (!_input.TryRead(out ReadResult result))
        {
            // A full fence: two ends that start waiting at the same time must each see the other's flag.
            Interlocked.Exchange(ref _waiting, 1);
            WaitingForInput?.Invoke();
            try
            {
                result = await _input.ReadAsync(cancellationToken);
            }
            finally
            {
                Interlocked.Exchange(ref _waiting, 0);
            }
        }

        ObjectDisposedException.ThrowIf(result.IsCanceled, this);
        ReadOnlySequence<byte> data = result.Buffer;

        // Empty only at the end of the other end's writes. A zero-byte read waits for data without consuming it.
        int count = (int)Math.Min(buffer.Length, data.Length);
        data.Slice(0, count).CopyTo(buffer.Span);
        _input.AdvanceTo(data.GetPosition(count));
        return count;
    }

    /// <inheritdoc/>
    public override void Write(byte[] buffer, int offset, int count) =>
        WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    /// <inheritdoc/>
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc/>
    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (_writesCompleted != 0)
        {
            throw new IOException("The in-memory connection was closed for writing.");
        }

        Recording?.Write(buffer.Span);
        if (!Divert)
        {
            await DeliverAsync(Transform is { } transform ? transform(buffer.ToArray()) : buffer, cancellationToken);
        }
    }

    private async ValueTask DeliverAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        if (!data.IsEmpty)
        {
            // The other end has input from now on, even before its read resumes. Cleared before the write: once the
            // data is there, the other end may consume it and start waiting again at any moment.
            _peer?.StopWaiting();
        }

        await _output.WriteAsync(data, cancellationToken);
    }

    private void StopWaiting() => Interlocked.Exchange(ref _waiting, 0);

    /// <inheritdoc/>
    public override void Flush()
    {
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            // A read pending on this end ends (ObjectDisposedException); the other end reads 0.
            CompleteWrites();
            _input.CancelPendingRead();
        }

        base.Dispose(disposing);
    }
}
