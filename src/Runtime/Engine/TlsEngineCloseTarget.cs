using TlsShutdown.Closing;

namespace TlsShutdown.Engine;

/// <summary>
/// Closes a <see cref="TlsEngineStream"/>. The engine sees every alert and the transport's end itself, so the
/// end of the connection is always known: the peer's close_notify, or a truncation.
/// </summary>
internal sealed class TlsEngineCloseTarget : CloseTarget
{
    private readonly TlsEngineStream _stream;

    public TlsEngineCloseTarget(TlsEngineStream stream) => _stream = stream;

    public override string StreamType => nameof(TlsEngineStream);

    public override bool IsConnected => _stream.IsAuthenticated && !_stream.IsClosedForClose;

    public override Task SendCloseNotifyAsync(CancellationToken cancellationToken) =>
        _stream.ShutdownCoreAsync(sync: false, cancellationToken).AsTask();

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken) =>
        _stream.ReadAsync(buffer, cancellationToken);

    public override int Read(byte[] buffer, TimeSpan timeout)
    {
        if (!_stream.CanTimeout)
        {
            return ReadBlockingOnAsync(_stream, buffer, timeout);
        }

        // A timed read of a NetworkStream blocks only this thread; the socket enforces the bound.
        _stream.ReadTimeout = (int)Math.Clamp(Math.Ceiling(timeout.TotalMilliseconds), 1, int.MaxValue);
        try
        {
            return _stream.Read(buffer, 0, buffer.Length);
        }
        catch (IOException error) when (error is not TlsTruncationException && IsTimeout(error))
        {
            throw new TimeoutException("No data within the read timeout.", error);
        }
    }

    // A read returns 0 only after the peer's close_notify; the end of the transport throws instead.
    public override bool? EndWasCloseNotify() => _stream.CloseNotifyReceived;

    public override bool? PeerCloseNotifyReceivedEarlier => _stream.CloseNotifyReceived;

    public override bool IsEndOfTransport(Exception error) => TlsEngineStream.IsTruncation(error);

    // The stream refuses a read while another one is pending.
    public override bool IsRefusedCall(Exception error) => error is NotSupportedException;

    public override void Abort()
    {
        if (_stream.LeaveInnerStreamOpen)
        {
            return;
        }

        try
        {
            _stream.InnerStream.Dispose();
        }
        catch (Exception)
        {
            // Closing a broken transport may fail; it is closed as far as we can close it.
        }
    }

    public override void Dispose()
    {
        try
        {
            _stream.Dispose();
        }
        catch (Exception)
        {
            // Disposal of a failed connection cannot change how it ended.
        }
    }

    private static bool IsTimeout(Exception? error)
    {
        for (; error is not null; error = error.InnerException)
        {
            if (error is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.TimedOut or System.Net.Sockets.SocketError.WouldBlock })
            {
                return true;
            }
        }

        return false;
    }
}
