using System.Net.Security;
using TlsShutdown.Closing;

namespace TlsShutdown;

/// <summary>
/// Closes a TLS connection the way TLS intends, within bounds: sends our close_notify (bounded by
/// <see cref="TlsCloseOptions.SendTimeout"/>), waits for the peer's while dropping any data that still arrives
/// (bounded by <see cref="TlsCloseOptions.PeerCloseTimeout"/> and <see cref="TlsCloseOptions.MaxDiscardBytes"/>),
/// then disposes the stream. Reports exactly how the connection ended.
/// </summary>
/// <remarks>
/// Every close ends with the TLS stream disposed, and its transport too unless the stream was opened with
/// leave-open. A peer's misbehaviour (silence, truncation, a flood, a reset, garbage) is reported in the
/// <see cref="TlsCloseResult"/>, never thrown. Each close is recorded in the <see cref="TlsShutdownMetrics.MeterName"/> meter.
/// </remarks>
public static partial class GracefulTlsClose
{
    /// <summary>Closes <paramref name="stream"/> gracefully, without blocking a thread while waiting.</summary>
    /// <param name="stream">An <see cref="SslStream"/>, authenticated or not. Put an <see cref="EofTrackingStream"/> under it
    /// to tell a clean close from a truncation.</param>
    /// <param name="options">The bounds of the close; <see cref="TlsCloseOptions.Default"/> when null.</param>
    /// <param name="cancellationToken">Aborts the close: the transport is closed at once.</param>
    /// <returns>How the connection ended.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled; the stream and
    /// its transport were closed.</exception>
    /// <exception cref="NotSupportedException">The application still has a read pending on <paramref name="stream"/>, so
    /// the peer's close_notify cannot be awaited; the stream and its transport were closed.</exception>
    public static Task<TlsCloseResult> CloseAsync(SslStream stream, TlsCloseOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return CloseProcedure.RunAsync(new SslStreamCloseTarget(stream), options ?? TlsCloseOptions.Default, cancellationToken);
    }

    /// <summary>
    /// Closes <paramref name="stream"/> gracefully, blocking the calling thread within the same bounds as
    /// <see cref="CloseAsync(SslStream, TlsCloseOptions?, CancellationToken)"/>. For synchronous code such as
    /// <see cref="IDisposable.Dispose"/> implementations.
    /// </summary>
    /// <param name="stream">An <see cref="SslStream"/>, authenticated or not.</param>
    /// <param name="options">The bounds of the close; <see cref="TlsCloseOptions.Default"/> when null.</param>
    /// <returns>How the connection ended.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    /// <exception cref="NotSupportedException">The application still has a read pending on <paramref name="stream"/>, so
    /// the peer's close_notify cannot be awaited; the stream and its transport were closed.</exception>
    public static TlsCloseResult Close(SslStream stream, TlsCloseOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return CloseProcedure.Run(new SslStreamCloseTarget(stream), options ?? TlsCloseOptions.Default);
    }
}
