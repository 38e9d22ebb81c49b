using System.Buffers;
using System.Diagnostics;

namespace TlsShutdown.Closing;

/// <summary>
/// The close of a TLS connection, for any <see cref="CloseTarget"/>: send our close_notify within
/// <see cref="TlsCloseOptions.SendTimeout"/>, then read and drop what the peer sends until its close_notify or
/// the end of the connection, within <see cref="TlsCloseOptions.PeerCloseTimeout"/> and
/// <see cref="TlsCloseOptions.MaxDiscardBytes"/>; then dispose. Every bound is stated here and nowhere else.
/// </summary>
internal static class CloseProcedure
{
    // One maximum-size TLS record: a TLS stream never hands out more per read.
    private const int ReadBufferSize = 16 * 1024;

    public static async Task<TlsCloseResult> RunAsync(CloseTarget target, TlsCloseOptions options, CancellationToken cancellationToken)
    {
        long started = Stopwatch.GetTimestamp();
        CloseExchange exchange;
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            exchange = await ExchangeAsync(target, options, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (cancellationToken.IsCancellationRequested)
        {
            target.Abort();
            target.Dispose();
            CloseMetrics.RecordCanceled(target.StreamType, Stopwatch.GetElapsedTime(started));

            // The wait for the peer is canceled through a linked token: report the caller's own token, so that
            // `catch (OperationCanceledException e) when (e.CancellationToken == token)` recognizes it.
            if (error is OperationCanceledException canceled && canceled.CancellationToken == cancellationToken)
            {
                throw;
            }

            throw new OperationCanceledException("The TLS close was canceled; the transport was aborted.", error, cancellationToken);
        }
        catch
        {
            // Not a peer's misbehaviour (those are reported in the result) but a bug or a misuse: still
            // release the connection before the exception travels on.
            target.Abort();
            target.Dispose();
            throw;
        }

        return Finish(target, exchange, started);
    }

    public static TlsCloseResult Run(CloseTarget target, TlsCloseOptions options)
    {
        long started = Stopwatch.GetTimestamp();
        CloseExchange exchange;
        try
        {
            exchange = Exchange(target, options, started);
        }
        catch
        {
            target.Abort();
            target.Dispose();
            throw;
        }

        return Finish(target, exchange, started);
    }

    private static async Task<CloseExchange> ExchangeAsync(CloseTarget target, TlsCloseOptions options, CancellationToken cancellationToken)
    {
        if (!target.IsConnected)
        {
            return CloseExchange.NotConnected();
        }

        Exception? sendError = await SendAsync(target, options.SendTimeout, cancellationToken).ConfigureAwait(false);
        if (sendError is not null)
        {
            return CloseExchange.FromSendError(sendError);
        }

        return options.PeerCloseTimeout == TimeSpan.Zero
            ? CloseExchange.NotAwaited()
            : await AwaitPeerCloseAsync(target, options, cancellationToken).ConfigureAwait(false);
    }

    private static CloseExchange Exchange(CloseTarget target, TlsCloseOptions options, long started)
    {
        if (!target.IsConnected)
        {
            return CloseExchange.NotConnected();
        }

        Exception? sendError = Send(target, options.SendTimeout);
        if (sendError is not null)
        {
            return CloseExchange.FromSendError(sendError);
        }

        return options.PeerCloseTimeout == TimeSpan.Zero
            ? CloseExchange.NotAwaited()
            : AwaitPeerClose(target, options, started);
    }

    /// <returns>Null when our close_notify was delivered, otherwise why it was not.</returns>
    private static async Task<Exception?> SendAsync(CloseTarget target, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Task send;
        try
        {
            send = target.SendCloseNotifyAsync(cancellationToken);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            return error;
        }

        try
        {
            await send.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (TimeoutException)
        {
            return AbandonStalledSend(target, send, timeout);
        }
        catch (Exception error) when (!cancellationToken.IsCancellationRequested)
        {
            return error;
        }
        catch
        {
            ObserveLater(send);
            throw;
        }
    }

    private static Exception? Send(CloseTarget target, TimeSpan timeout)
    {
        Task send;
        try
        {
            send = target.SendCloseNotifyAsync(CancellationToken.None);
            if (!send.Wait(timeout))
            {
                return AbandonStalledSend(target, send, timeout);
            }

            return null;
        }
        catch (AggregateException error)
        {
            return error.InnerException ?? error;
        }
        catch (Exception error)
        {
            return error;
        }
    }

    private static TimeoutException AbandonStalledSend(CloseTarget target, Task send, TimeSpan timeout)
    {
        // The write is stuck on a full send buffer: only closing the transport releases it.
        target.Abort();
        ObserveLater(send);
        return new TimeoutException(
            $"Our close_notify could not be delivered within {timeout.TotalMilliseconds:0} ms (the peer is not reading); the transport was aborted.");
    }

    private static async Task<CloseExchange> AwaitPeerCloseAsync(CloseTarget target, TlsCloseOptions options, CancellationToken cancellationToken)
    {
        // Rented only once the peer sends something: thousands of closes may wait at once, most for nothing.
        byte[]? buffer = null;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.PeerCloseTimeout);

        // A transport that ignores cancellation is closed when the deadline passes, so no read outlives the close.
        using CancellationTokenRegistration abortAtDeadline =
            deadline.Token.UnsafeRegister(static state => ((CloseTarget)state!).Abort(), target);
        try
        {
            long discarded = 0;
            while (true)
            {
                int read;
                try
                {
                    // A zero-byte read waits for data (or the end) without holding a buffer.
                    await target.ReadAsync(Memory<byte>.Empty, deadline.Token).ConfigureAwait(false);
                    buffer ??= ArrayPool<byte>.Shared.Rent(ReadBufferSize);
                    read = await target.ReadAsync(buffer, deadline.Token).ConfigureAwait(false);
                }
                catch (Exception) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                {
                    return CloseExchange.TimedOut(discarded);
                }
                catch (Exception error) when (!cancellationToken.IsCancellationRequested && !target.IsRefusedCall(error))
                {
                    return CloseExchange.FromReadError(target, discarded, error);
                }

                if (read == 0)
                {
                    return CloseExchange.PeerEnded(target.EndWasCloseNotify(), discarded);
                }

                discarded += read;
                if (discarded > options.MaxDiscardBytes)
                {
                    return CloseExchange.DiscardLimitExceeded(discarded);
                }
            }
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    private static CloseExchange AwaitPeerClose(CloseTarget target, TlsCloseOptions options, long started)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(ReadBufferSize);
        try
        {
            long discarded = 0;
            while (true)
            {
                TimeSpan remaining = options.PeerCloseTimeout - Stopwatch.GetElapsedTime(started);
                if (remaining <= TimeSpan.Zero)
                {
                    return CloseExchange.TimedOut(discarded);
                }

                int read;
                try
                {
                    read = target.Read(buffer, remaining);
                }
                catch (TimeoutException)
                {
                    return CloseExchange.TimedOut(discarded);
                }
                catch (Exception error) when (!target.IsRefusedCall(error))
                {
                    return CloseExchange.FromReadError(target, discarded, error);
                }

                if (read == 0)
                {
                    return CloseExchange.PeerEnded(target.EndWasCloseNotify(), discarded);
                }

                discarded += read;
                if (discarded > options.MaxDiscardBytes)
                {
                    return CloseExchange.DiscardLimitExceeded(discarded);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static TlsCloseResult Finish(CloseTarget target, CloseExchange exchange, long started)
    {
        target.Dispose();
        var result = new TlsCloseResult(
            exchange.Outcome,
            exchange.CloseNotifySent,
            exchange.PeerCloseNotifyReceived ?? target.PeerCloseNotifyReceivedEarlier,
            exchange.DiscardedBytes,
            Stopwatch.GetElapsedTime(started),
            exchange.Error);
        CloseMetrics.Record(target.StreamType, result.Outcome, result.Elapsed);
        return result;
    }

    /// <summary>Keeps a task we stop waiting for from raising <see cref="TaskScheduler.UnobservedTaskException"/>.</summary>
    private static void ObserveLater(Task task)
    {
        if (!task.IsCompleted)
        {
            task.ContinueWith(
                static t => _ = t.Exception,
                CancellationToken.None,
                TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
        else
        {
            _ = task.Exception;
        }
    }
}
