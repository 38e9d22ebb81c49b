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
    private readonly EofTrackingStream? _tracker;
    private readonly Socket? _socket;

    public SslStreamCloseTarget(SslStream stream)
        : this(stream, InnerStreamOf(stream))
    {
    }

    private SslStreamCloseTarget(SslStream stream, Stream inner)
        : base(stream, inner, stream.LeaveInnerStreamOpen)
    {
        _stream = stream;
        _tracker = inner as EofTrackingStream;
        _socket = ((_tracker?.InnerStream ?? inner) as NetworkStream)?.Socket;
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
