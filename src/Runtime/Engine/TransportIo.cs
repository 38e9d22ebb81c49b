namespace TlsShutdown.Engine;

/// <summary>
/// How <see cref="TlsEngineStream"/> performs transport I/O and waits for its write gate: the one difference
/// between its synchronous and asynchronous methods, which otherwise share every line (SslStream's own sources
/// do the same with one generic path over an I/O adapter).
/// </summary>
internal interface ITransportIo
{
    static abstract ValueTask<int> ReadAsync(Stream transport, Memory<byte> buffer, CancellationToken cancellationToken);

    static abstract ValueTask WriteAsync(Stream transport, ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken);

    static abstract ValueTask EnterAsync(SemaphoreSlim gate, CancellationToken cancellationToken);
}

/// <summary>Awaits the transport: no thread is held while it waits.</summary>
internal readonly struct AsyncTransportIo : ITransportIo
{
    public static ValueTask<int> ReadAsync(Stream transport, Memory<byte> buffer, CancellationToken cancellationToken) =>
        transport.ReadAsync(buffer, cancellationToken);

    public static ValueTask WriteAsync(Stream transport, ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken) =>
        transport.WriteAsync(buffer, cancellationToken);

    public static ValueTask EnterAsync(SemaphoreSlim gate, CancellationToken cancellationToken) =>
        new(gate.WaitAsync(cancellationToken));
}

/// <summary>Uses the transport's own blocking calls: every operation returned is already complete, and no thread
/// ever blocks on an asynchronous operation.</summary>
internal readonly struct SyncTransportIo : ITransportIo
{
    public static ValueTask<int> ReadAsync(Stream transport, Memory<byte> buffer, CancellationToken cancellationToken) =>
        new(transport.Read(buffer.Span));

    public static ValueTask WriteAsync(Stream transport, ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        transport.Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public static ValueTask EnterAsync(SemaphoreSlim gate, CancellationToken cancellationToken)
    {
        gate.Wait(cancellationToken);
        return ValueTask.CompletedTask;
    }
}
