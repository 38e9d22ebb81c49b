namespace TlsShutdown.Closing;

/// <summary>
/// How the close procedure waits: the one difference between <see cref="GracefulTlsClose"/>'s synchronous and
/// asynchronous closes (as SslStream's own sources do with one generic path over an I/O adapter). Every bound
/// is a <see cref="CancellationToken"/> or a <see cref="TimeSpan"/> handed in by the procedure, so both closes
/// end within the same limits whatever the peer sends.
/// </summary>
internal interface ICloseIo
{
    /// <summary>One read of the peer's data, ended by <paramref name="cancellationToken"/> at the latest.</summary>
    static abstract ValueTask<int> ReadAsync(CloseTarget target, Memory<byte> buffer, CancellationToken cancellationToken);

    /// <summary>Waits for <paramref name="task"/>; <see cref="TimeoutException"/> past <paramref name="timeout"/>.</summary>
    static abstract ValueTask WaitAsync(Task task, TimeSpan timeout, CancellationToken cancellationToken);
}

/// <summary>Awaits: no thread is held while the peer takes its time.</summary>
internal readonly struct AsyncCloseIo : ICloseIo
{
    public static ValueTask<int> ReadAsync(CloseTarget target, Memory<byte> buffer, CancellationToken cancellationToken) =>
        target.ReadAsync(buffer, cancellationToken);

    public static ValueTask WaitAsync(Task task, TimeSpan timeout, CancellationToken cancellationToken) =>
        new(task.WaitAsync(timeout, cancellationToken));
}

/// <summary>
/// Blocks the calling thread on the same asynchronous operations, so that the token and the timeout bound the
/// whole wait: a blocking read of the TLS stream would only bound each transport read, and a peer that drips a
/// byte at a time would keep it going for ever. Every operation returned is already complete.
/// </summary>
internal readonly struct SyncCloseIo : ICloseIo
{
    public static ValueTask<int> ReadAsync(CloseTarget target, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        ValueTask<int> read = target.ReadAsync(buffer, cancellationToken);
        return new(read.IsCompleted ? read.GetAwaiter().GetResult() : read.AsTask().GetAwaiter().GetResult());
    }

    public static ValueTask WaitAsync(Task task, TimeSpan timeout, CancellationToken cancellationToken)
    {
        // Task.Wait(TimeSpan) accepts at most int.MaxValue ms; WaitAsync takes every timeout TlsCloseOptions accepts.
        task.WaitAsync(timeout, cancellationToken).GetAwaiter().GetResult();
        return ValueTask.CompletedTask;
    }
}
