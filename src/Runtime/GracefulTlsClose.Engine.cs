using TlsShutdown.Closing;
using TlsShutdown.Engine;

namespace TlsShutdown;

public static partial class GracefulTlsClose
{
    /// <summary>Closes <paramref name="stream"/> gracefully, without blocking a thread while waiting.</summary>
    /// <param name="stream">A <see cref="TlsEngineStream"/>, authenticated or not. The result is exact:
    /// <see cref="TlsCloseResult.PeerCloseNotifyReceived"/> is never null, and the outcome is never
    /// <see cref="TlsCloseOutcome.PeerClosed"/>.</param>
    /// <param name="options">The bounds of the close; <see cref="TlsCloseOptions.Default"/> when null.</param>
    /// <param name="cancellationToken">Aborts the close: the transport is closed at once.</param>
    /// <returns>How the connection ended.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled; the stream and
    /// its transport were closed.</exception>
    /// <exception cref="NotSupportedException">The application still has a read pending on <paramref name="stream"/>, so
    /// the peer's close_notify cannot be awaited; the stream and its transport were closed.</exception>
    public static Task<TlsCloseResult> CloseAsync(TlsEngineStream stream, TlsCloseOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return CloseProcedure.RunAsync(new TlsEngineCloseTarget(stream), options ?? TlsCloseOptions.Default, cancellationToken);
    }

    /// <summary>
    /// Closes <paramref name="stream"/> gracefully, blocking the calling thread within the same bounds as
    /// <see cref="CloseAsync(TlsEngineStream, TlsCloseOptions?, CancellationToken)"/>.
    /// </summary>
    /// <param name="stream">A <see cref="TlsEngineStream"/>, authenticated or not.</param>
    /// <param name="options">The bounds of the close; <see cref="TlsCloseOptions.Default"/> when null.</param>
    /// <returns>How the connection ended.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    /// <exception cref="NotSupportedException">The application still has a read pending on <paramref name="stream"/>, so
    /// the peer's close_notify cannot be awaited; the stream and its transport were closed.</exception>
    public static TlsCloseResult Close(TlsEngineStream stream, TlsCloseOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return CloseProcedure.Run(new TlsEngineCloseTarget(stream), options ?? TlsCloseOptions.Default);
    }
}
