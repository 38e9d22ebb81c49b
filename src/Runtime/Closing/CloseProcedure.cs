using System.Buffers;
using System.Diagnostics;

namespace TlsShutdown.Closing;

/// <summary>
/// The close of a TLS connection, for any <see cref="CloseTarget"/>: send our close_notify within
/// <see cref="TlsCloseOptions.SendTimeout"/>, then read and drop what the peer sends until its close_notify or
/// the end of the connection, within <see cref="TlsCloseOptions.PeerCloseTimeout"/> (measured from the end of
/// the send) and <see cref="TlsCloseOptions.MaxDiscardBytes"/>; then dispose. Every bound is stated here and
/// nowhere else, once for both the synchronous and the asynchronous close: they differ only in their
/// <see cref="ICloseIo"/>.
/// </summary>
internal static class CloseProcedure
{
    // One maximum-size TLS record: a TLS stream never hands out more per read.
    private const int ReadBufferSize = 16 * 1024;

    public static Task<TlsCloseResult> RunAsync(CloseTarget target, TlsCloseOptions options, CancellationToken cancellationToken) =>
        RunAsync<AsyncCloseIo>(target, options, cancellationToken);

    public static TlsCloseResult Run(CloseTarget target, TlsCloseOptions options)
    {
        Task<TlsCloseResult> close = RunAsync<SyncCloseIo>(target, options, CancellationToken.None);
        Debug.Assert(close.IsCompleted, "A synchronous close completed asynchronously.");
        return close.GetAwaiter().GetResult();
    }

    private static async Task<TlsCloseResult> RunAsync<TIo>(CloseTarget target, TlsCloseOptions options, CancellationToken cancellationToken)
        where TIo : struct, ICloseIo
    {
        long started = Stopwatch.GetTimestamp();
        if (!target.TryClaim())
        {
            // Another close of this stream is under way: it owns the connection and will report how it ended.
            // Like a second close after the first, this one has nothing to send, and leaves the stream alone.
            return Record(target, CloseExchange.NotConnected(new InvalidOperationException(
                "Another close of this stream is in progress; it reports how the connection ended.")), started);
        }

        try
        {
            CloseExchange exchange;
            try
            {
                cancellationToken.ThrowIfCancellationRequested();
                exchange = await ExchangeAsync<TIo>(target, options, cancellationToken).ConfigureAwait(false);
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

            target.Dispose();
            return Record(target, exchange, started);
        }
        finally
        {
            target.Release();
        }
    }

    private static async Task<CloseExchange> ExchangeAsync<TIo>(CloseTarget target, TlsCloseOptions options, CancellationToken cancellationToken)
        where TIo : struct, ICloseIo
    {
        if (!target.IsConnected)
        {
            return CloseExchange.NotConnected(target.ConnectionFailure);
        }

        Exception? sendError = await SendAsync<TIo>(target, options.SendTimeout, cancellationToken).ConfigureAwait(false);
        if (sendError is not null)
        {
            return CloseExchange.FromSendError(sendError);
        }

        return options.PeerCloseTimeout == TimeSpan.Zero
            ? CloseExchange.NotAwaited()
            : await AwaitPeerCloseAsync<TIo>(target, options, cancellationToken).ConfigureAwait(false);
    }

    /// <returns>Null when our close_notify was delivered, otherwise why it was not.</returns>
    private static async Task<Exception?> SendAsync<TIo>(CloseTarget target, TimeSpan timeout, CancellationToken cancellationToken)
        where TIo : struct, ICloseIo
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
            await TIo.WaitAsync(send, timeout, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (TimeoutException)
        {
            // The write is stuck on a full send buffer: only closing the transport releases it.
            target.Abort();
            ObserveLater(send);
            return new TimeoutException(
                $"Our close_notify could not be delivered within {timeout.TotalMilliseconds:0} ms (the peer is not reading); the transport was aborted.");
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

    private static async Task<CloseExchange> AwaitPeerCloseAsync<TIo>(CloseTarget target, TlsCloseOptions options, CancellationToken cancellationToken)
        where TIo : struct, ICloseIo
    {
        // Rented only once the peer sends something: thousands of closes may wait at once, most for nothing.
        byte[]? buffer = null;

        // The one deadline of the wait, from the end of the send: every read below ends by it, however the peer
        // spreads its bytes (a record dripped a byte at a time, a flood of records that carry no data).
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
                    await TIo.ReadAsync(target, Memory<byte>.Empty, deadline.Token).ConfigureAwait(false);
                    buffer ??= ArrayPool<byte>.Shared.Rent(ReadBufferSize);
                    read = await TIo.ReadAsync(target, buffer, deadline.Token).ConfigureAwait(false);
                }
                catch (Exception) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                {
                    return CloseExchange.TimedOut(discarded);
                }
                catch (Exception error) when (!cancellationToken.IsCancellationRequested && !target.IsRefusedCall(error))
                {
                    return target.IsClosedLocally(error)
                        ? CloseExchange.EndedLocally(discarded, error)
                        : CloseExchange.FromReadError(target, discarded, error);
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

    private static TlsCloseResult Record(CloseTarget target, CloseExchange exchange, long started)
    {
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
