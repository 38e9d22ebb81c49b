namespace TlsShutdown.Handshakes;

/// <summary>
/// The time limit of one handshake joined with the caller's token: <see cref="Token"/> fires at whichever comes
/// first, and <see cref="TimedOut"/> says whether it was the limit.
/// </summary>
internal sealed class HandshakeDeadline : IDisposable
{
    private readonly CancellationTokenSource _timer;
    private readonly CancellationTokenSource? _linked;
    private readonly CancellationToken _caller;

    public HandshakeDeadline(TimeSpan timeout, CancellationToken caller)
    {
        Timeout = timeout;
        _caller = caller;
        _timer = new CancellationTokenSource(timeout);
        _linked = caller.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(caller, _timer.Token) : null;
    }

    /// <summary>The time limit.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>Fires at the time limit or on the caller's cancellation.</summary>
    public CancellationToken Token => _linked?.Token ?? _timer.Token;

    /// <summary>The time limit passed, and the caller had not canceled first.</summary>
    public bool TimedOut => _timer.IsCancellationRequested && !_caller.IsCancellationRequested;

    public void Dispose()
    {
        _linked?.Dispose();
        _timer.Dispose();
    }
}
