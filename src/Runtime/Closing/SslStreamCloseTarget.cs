using System.Net.Security;
using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace TlsShutdown.Closing;

/// <summary>
/// Closes an <see cref="SslStream"/>. SslStream's read returns 0 both for the peer's close_notify and for a
/// bare FIN, so the end of the connection is told apart by looking under it: at an
/// <see cref="EofTrackingStream"/> if there is one, otherwise at the socket when that alone can prove it.
/// </summary>
internal sealed class SslStreamCloseTarget : CloseTarget
{
    private readonly SslStream _stream;
    private readonly Stream _inner;
    private readonly EofTrackingStream? _tracker;
    private readonly Socket? _socket;

    public SslStreamCloseTarget(SslStream stream)
    {
        _stream = stream;
        _inner = InnerStreamOf(stream);
        _tracker = _inner as EofTrackingStream;
        _socket = ((_tracker?.InnerStream ?? _inner) as NetworkStream)?.Socket;
    }

    public override string StreamType => nameof(SslStream);

    public override bool IsConnected => _stream.IsAuthenticated;

    public override Task SendCloseNotifyAsync(CancellationToken cancellationToken)
    {
        try
        {
            return _stream.ShutdownAsync();
        }
        catch (InvalidOperationException) when (_stream.IsAuthenticated)
        {
            // An authenticated SslStream refuses a second shutdown: the application sent our close_notify already.
            return Task.CompletedTask;
        }
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken) =>
        _stream.ReadAsync(buffer, cancellationToken);

    public override int Read(byte[] buffer, TimeSpan timeout)
    {
        if (!_stream.CanTimeout)
        {
            return ReadBlockingOnAsync(_stream, buffer, timeout);
        }

        // A timed read of a NetworkStream blocks only this thread; the socket enforces the bound.
        int applicationTimeout = _stream.ReadTimeout;
        _stream.ReadTimeout = (int)Math.Clamp(Math.Ceiling(timeout.TotalMilliseconds), 1, int.MaxValue);
        try
        {
            return _stream.Read(buffer, 0, buffer.Length);
        }
        catch (IOException error) when (error.InnerException is SocketException { SocketErrorCode: SocketError.TimedOut or SocketError.WouldBlock })
        {
            throw new TimeoutException("No data within the read timeout.", error);
        }
        finally
        {
            // A leave-open transport outlives the TLS stream: give it back the application's own timeout.
            RestoreReadTimeout(applicationTimeout);
        }
    }

    public override bool? EndWasCloseNotify()
    {
        if (_tracker is not null)
        {
            return !_tracker.ReachedEof;
        }

        // Without a tracker, a socket with no FIN pending (or with data still queued) proves that the 0 came
        // from close_notify: a FIN would have left it readable and empty. A socket at EOF proves nothing.
        return _socket is not null && !SocketAtEof(_socket) ? true : null;
    }

    public override bool IsEndOfTransport(Exception error) =>
        HasSocketError(error) || _tracker?.ReachedEof == true || (_socket is not null && SocketAtEof(_socket));

    // SslStream refuses a read while another one is pending.
    public override bool IsRefusedCall(Exception error) => error is NotSupportedException;

    public override void Abort()
    {
        if (_stream.LeaveInnerStreamOpen)
        {
            return;
        }

        try
        {
            _inner.Dispose();
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

    private void RestoreReadTimeout(int timeout)
    {
        try
        {
            _stream.ReadTimeout = timeout;
        }
        catch (Exception)
        {
            // The transport was closed meanwhile: nothing is left to restore.
        }
    }

    private static bool SocketAtEof(Socket socket)
    {
        try
        {
            return socket.Poll(0, SelectMode.SelectRead) && socket.Available == 0;
        }
        catch (Exception)
        {
            // A closed or failed socket is at its end.
            return true;
        }
    }

    private static bool HasSocketError(Exception? error)
    {
        for (; error is not null; error = error.InnerException)
        {
            if (error is SocketException)
            {
                return true;
            }
        }

        return false;
    }

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "get_InnerStream")]
    internal static extern Stream InnerStreamOf(AuthenticatedStream stream);
}
