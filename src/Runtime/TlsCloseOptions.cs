namespace TlsShutdown;

/// <summary>
/// Bounds for <see cref="GracefulTlsClose"/>. Every wait of a close is limited by one of these, so a close
/// always ends, whatever the peer does.
/// </summary>
/// <remarks>
/// The defaults follow widely deployed TLS stacks: Netty waits 3 s to flush its close_notify, Go's crypto/tls
/// gives the whole close 5 s. Waiting for the peer's close_notify is optional in TLS (RFC 5246 §7.2.1,
/// RFC 8446 §6.1) and many servers never send one, so the wait is short: one second is ample on any working
/// network and bounds the cost when the peer stays silent. The discard limit bounds the work done for a peer
/// that keeps sending after our close_notify: a megabyte drains a typical in-flight response, yet stops a flood.
/// </remarks>
public sealed record TlsCloseOptions
{
    /// <summary>The default for <see cref="SendTimeout"/>: 3 seconds.</summary>
    public static readonly TimeSpan DefaultSendTimeout = TimeSpan.FromSeconds(3);

    /// <summary>The default for <see cref="PeerCloseTimeout"/>: 1 second.</summary>
    public static readonly TimeSpan DefaultPeerCloseTimeout = TimeSpan.FromSeconds(1);

    /// <summary>The default for <see cref="MaxDiscardBytes"/>: 1 MiB.</summary>
    public const long DefaultMaxDiscardBytes = 1024 * 1024;

    // Task.WaitAsync and CancellationTokenSource.CancelAfter accept at most uint.MaxValue - 1 milliseconds.
    private static readonly TimeSpan MaxTimeout = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    private readonly TimeSpan _sendTimeout = DefaultSendTimeout;
    private readonly TimeSpan _peerCloseTimeout = DefaultPeerCloseTimeout;
    private readonly long _maxDiscardBytes = DefaultMaxDiscardBytes;

    /// <summary>The options used when none are given: <see cref="SendTimeout"/> 3 s,
    /// <see cref="PeerCloseTimeout"/> 1 s, <see cref="MaxDiscardBytes"/> 1 MiB.</summary>
    public static TlsCloseOptions Default { get; } = new();

    /// <summary>
    /// How long delivering our close_notify may take. A peer that stopped reading can fill the TCP send buffer
    /// so that the write never completes; past this bound the transport is aborted and the close reports
    /// <see cref="TlsCloseOutcome.SendFailed"/>. Must be positive.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive, or is infinite or too large.</exception>
    public TimeSpan SendTimeout
    {
        get => _sendTimeout;
        init => _sendTimeout = CheckTimeout(value, allowZero: false);
    }

    /// <summary>
    /// How long to wait for the peer's close_notify (or the end of the connection) after ours was sent.
    /// <see cref="TimeSpan.Zero"/> means do not wait (<see cref="TlsCloseOutcome.NotAwaited"/>).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative, or is infinite or too large.</exception>
    public TimeSpan PeerCloseTimeout
    {
        get => _peerCloseTimeout;
        init => _peerCloseTimeout = CheckTimeout(value, allowZero: true);
    }

    /// <summary>
    /// How many bytes of application data may be read and dropped while waiting for the peer's close_notify.
    /// A peer that sends more is cut off with <see cref="TlsCloseOutcome.DiscardLimitExceeded"/>. Zero means any
    /// data at all ends the wait.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public long MaxDiscardBytes
    {
        get => _maxDiscardBytes;
        init => _maxDiscardBytes = value >= 0
            ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxDiscardBytes), value, "The discard limit cannot be negative.");
    }

    private static TimeSpan CheckTimeout(TimeSpan value, bool allowZero, [System.Runtime.CompilerServices.CallerMemberName] string name = "")
    {
        bool tooSmall = allowZero ? value < TimeSpan.Zero : value <= TimeSpan.Zero;
        if (tooSmall || value > MaxTimeout)
        {
            string expected = allowZero ? "zero or positive" : "positive";
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be {expected} and finite (every wait of a close is bounded).");
        }

        return value;
    }
}
