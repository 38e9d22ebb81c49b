using TlsShutdown.Closing;

namespace TlsShutdown.Engine;

/// <summary>
/// Closes a <see cref="TlsEngineStream"/>. The engine sees every alert and the transport's end itself, so the
/// end of the connection is always known: the peer's close_notify, or a truncation.
/// </summary>
internal sealed class TlsEngineCloseTarget : CloseTarget
{
    private readonly TlsEngineStream _stream;

    public TlsEngineCloseTarget(TlsEngineStream stream)
        : base(stream, stream.InnerStream, stream.LeaveInnerStreamOpen)
    {
        _stream = stream;
    }

    public override string StreamType => nameof(TlsEngineStream);

    public override bool IsConnected => _stream.IsAuthenticated && !_stream.IsClosedForClose && _stream.Failure is null;

    // A fatal alert (either side's) ended the connection before the close: there is no close_notify to send.
    public override Exception? ConnectionFailure => _stream.Failure;

    public override Task SendCloseNotifyAsync(CancellationToken cancellationToken) =>
        _stream.ShutdownCoreAsync(cancellationToken);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken) =>
        _stream.ReadAsync(buffer, cancellationToken);

    // A read returns 0 only after the peer's close_notify; the end of the transport throws instead.
    public override bool? EndWasCloseNotify() => _stream.CloseNotifyReceived;

    public override bool? PeerCloseNotifyReceivedEarlier => _stream.CloseNotifyReceived;

    public override bool IsEndOfTransport(Exception error) => TlsEngineStream.IsTruncation(error);

    // The stream refuses a read while another one is pending.
    public override bool IsRefusedCall(Exception error) => error is NotSupportedException;

    // The stream knows whether it was disposed: the application's Dispose during the close, not the peer.
    public override bool IsClosedLocally(Exception error) => _stream.IsClosedForClose || base.IsClosedLocally(error);
}
