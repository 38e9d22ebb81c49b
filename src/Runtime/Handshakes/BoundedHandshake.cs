using System.Runtime.ExceptionServices;

namespace TlsShutdown.Handshakes;

/// <summary>
/// Runs one stream's handshake within a time limit for <see cref="TlsHandshake"/>. Past the limit, or on the
/// caller's cancellation, the transport is disposed (which ends any I/O the handshake has pending, whether or not
/// the stream honours the token), then the TLS stream.
/// </summary>
internal static class BoundedHandshake
{
    // After the transport is disposed the handshake's pending I/O fails at once; this bounds the wait for it to
    // finish (so that its own records, such as TlsEngineStream's metrics, are written before we throw).
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(1);

    /// <summary>Task.WaitAsync and CancellationTokenSource.CancelAfter accept at most uint.MaxValue - 1 milliseconds.</summary>
    private static readonly TimeSpan MaxTimeout = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    /// <summary>The time limit to use: <paramref name="timeout"/>, or <see cref="TlsHandshake.DefaultTimeout"/> when null.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Zero, negative, infinite or too large.</exception>
    public static TimeSpan Limit(TimeSpan? timeout)
    {
        TimeSpan value = timeout ?? TlsHandshake.DefaultTimeout;
        if (value <= TimeSpan.Zero || value > MaxTimeout)
        {
            throw new ArgumentOutOfRangeException(
                nameof(timeout),
                value,
                "The handshake timeout must be positive and finite (at most about 49 days); pass null for the default of 10 seconds.");
        }

        return value;
    }

    /// <summary>Runs <paramref name="handshake"/> asynchronously within <paramref name="timeout"/>.</summary>
    /// <param name="subject">The stream, its transport, and how to record the handshake.</param>
    /// <param name="handshake">Starts the stream's handshake with the deadline's token.</param>
    /// <param name="timeout">The validated limit.</param>
    /// <param name="cancellationToken">The caller's token.</param>
    public static async Task RunAsync(
        HandshakeSubject subject,
        Func<HandshakeDeadline, Task> handshake,
        TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var deadline = new HandshakeDeadline(timeout, cancellationToken);
        HandshakeRecording? recording = subject.StartRecording();
        Task? running = null;
        try
        {
            running = handshake(deadline);
            await running.WaitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException error) when (deadline.Token.IsCancellationRequested)
        {
            bool timedOut = deadline.TimedOut;
            await AbortAsync(subject, running).ConfigureAwait(false);
            recording?.Failed(timedOut ? TlsShutdownMetrics.TimeoutErrorType : TlsShutdownMetrics.CanceledTagValue);
            throw timedOut
                ? TimedOut(subject, timeout, error)
                : new OperationCanceledException("The TLS handshake was canceled; the stream was disposed.", error, cancellationToken);
        }
        catch (Exception error)
        {
            recording?.Failed(HandshakeErrors.Classify(error));
            throw;
        }

        recording?.Succeeded(subject.Protocol, resumed: null);
    }

    /// <summary>Runs <paramref name="handshake"/> on this thread within <paramref name="timeout"/>: at the limit the
    /// transport is disposed from a timer, which ends the blocked transport call.</summary>
    public static void Run(HandshakeSubject subject, Action<HandshakeDeadline> handshake, TimeSpan timeout)
    {
        using var deadline = new HandshakeDeadline(timeout, CancellationToken.None);
        HandshakeRecording? recording = subject.StartRecording();
        var state = new SyncState(subject.Transport);
        Exception? failure = null;
        using (deadline.Token.Register(static s => ((SyncState)s!).OnDeadline(), state))
        {
            try
            {
                handshake(deadline);
            }
            catch (Exception error)
            {
                failure = error;
            }

            // Disposing the registration waits for a callback in progress: past this block the timer has either
            // disposed the transport, or never will.
        }

        if (!state.Finish())
        {
            subject.DisposeQuietly();
            recording?.Failed(TlsShutdownMetrics.TimeoutErrorType);
            throw TimedOut(subject, timeout, failure);
        }

        if (failure is not null)
        {
            recording?.Failed(HandshakeErrors.Classify(failure));
            ExceptionDispatchInfo.Throw(failure);
        }

        recording?.Succeeded(subject.Protocol, resumed: null);
    }

    private static TimeoutException TimedOut(HandshakeSubject subject, TimeSpan timeout, Exception? error) =>
        new($"The TLS handshake ({subject.StreamType}) did not complete within {timeout.TotalSeconds:0.###} s; the stream and its transport were disposed.", error);

    /// <summary>Ends the handshake: the transport first (its pending I/O fails), then, once the handshake has
    /// settled or <see cref="SettleTimeout"/> passed, the TLS stream. The handshake's own exception is observed here.</summary>
    private static async Task AbortAsync(HandshakeSubject subject, Task? running)
    {
        subject.DisposeTransportQuietly();
        if (running is not null)
        {
            _ = running.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            await Task.WhenAny(running, Task.Delay(SettleTimeout)).ConfigureAwait(false);
        }

        subject.DisposeQuietly();
    }

    /// <summary>Who got there first: the handshake's end (<see cref="Finish"/>) or the deadline's callback.</summary>
    private sealed class SyncState(Stream transport)
    {
        private const int Running = 0;
        private const int Finished = 1;
        private const int Expired = 2;
        private int _state;

        public void OnDeadline()
        {
            if (Interlocked.CompareExchange(ref _state, Expired, Running) == Running)
            {
                HandshakeSubject.DisposeQuietly(transport);
            }
        }

        /// <summary>True when the handshake ended before the deadline (the transport is intact).</summary>
        public bool Finish() => Interlocked.CompareExchange(ref _state, Finished, Running) != Expired;
    }
}
