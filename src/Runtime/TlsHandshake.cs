using System.Net.Security;
using TlsShutdown.Handshakes;

namespace TlsShutdown;

/// <summary>
/// TLS handshakes with a time limit, recorded in the <see cref="TlsShutdownMetrics.MeterName"/> meter
/// (<see cref="TlsShutdownMetrics.HandshakeDurationInstrument"/>, <see cref="TlsShutdownMetrics.HandshakesActiveInstrument"/>).
/// A handshake waits for the peer at every flight; a peer that connects and stays silent, or stalls halfway,
/// would hold the connection forever without one.
/// </summary>
/// <remarks>
/// <para>Outcomes: success; <see cref="TimeoutException"/> when the handshake did not complete within the time limit;
/// <see cref="OperationCanceledException"/> when the caller's token was canceled; otherwise the stream's own
/// exception (<see cref="System.Security.Authentication.AuthenticationException"/> for a refused certificate or a
/// fatal alert, <see cref="IOException"/> when the transport failed), unchanged.</para>
/// <para>On timeout and on cancellation the TLS stream and its transport are disposed, even a transport opened with
/// leave-open: a connection abandoned in the middle of a handshake cannot carry anything else, and disposing the
/// transport ends the handshake's pending I/O whether or not the stream honours cancellation. After any other
/// failure the stream is left to the caller, as the stream leaves it (unusable: dispose it).</para>
/// <para>The synchronous overloads block the calling thread for at most the time limit: a timer disposes the
/// transport at the limit, which ends a blocked <see cref="System.Net.Sockets.NetworkStream"/> or socket read.
/// (A custom transport must likewise end a pending read when it is disposed.)</para>
/// <para>SslStream handshakes are recorded when they go through this class. <see cref="TlsEngineStream"/> records
/// every handshake of its own, through this class or not, once.</para>
/// </remarks>
public static class TlsHandshake
{
    /// <summary>The time limit used when none is given: 10 seconds, as Kestrel's handshake timeout.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Runs the client handshake of <paramref name="stream"/> within <paramref name="timeout"/>.</summary>
    /// <param name="stream">A new, unauthenticated stream.</param>
    /// <param name="options">The client options, passed to <see cref="SslStream.AuthenticateAsClientAsync(SslClientAuthenticationOptions, CancellationToken)"/>.</param>
    /// <param name="timeout">The time limit of the whole handshake; null for <see cref="DefaultTimeout"/>. Must be positive and finite.</param>
    /// <param name="cancellationToken">Cancels the handshake; the stream and its transport are then disposed.</param>
    /// <returns>A task that completes when the stream is authenticated.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> or <paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is zero, negative, infinite or longer than about 49 days.</exception>
    /// <exception cref="TimeoutException">The handshake did not complete within <paramref name="timeout"/>; the stream and its transport were disposed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled; the stream and its transport were
    /// disposed (unless the token was canceled before the call, which then leaves the stream untouched).</exception>
    /// <exception cref="System.Security.Authentication.AuthenticationException">The handshake failed, as thrown by the stream.</exception>
    /// <exception cref="IOException">The transport failed or ended during the handshake, as thrown by the stream.</exception>
    public static Task AuthenticateAsClientAsync(SslStream stream, SslClientAuthenticationOptions options, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(options);
        return BoundedHandshake.RunAsync(
            HandshakeSubject.For(stream, isServer: false),
            deadline => stream.AuthenticateAsClientAsync(options, deadline.Token),
            BoundedHandshake.Limit(timeout),
            cancellationToken);
    }

    /// <summary>Runs the server handshake of <paramref name="stream"/> within <paramref name="timeout"/>.</summary>
    /// <param name="stream">A new, unauthenticated stream.</param>
    /// <param name="options">The server options, passed to <see cref="SslStream.AuthenticateAsServerAsync(SslServerAuthenticationOptions, CancellationToken)"/>.</param>
    /// <param name="timeout">The time limit of the whole handshake; null for <see cref="DefaultTimeout"/>. Must be positive and finite.</param>
    /// <param name="cancellationToken">Cancels the handshake; the stream and its transport are then disposed.</param>
    /// <returns>A task that completes when the stream is authenticated.</returns>
    /// <inheritdoc cref="AuthenticateAsClientAsync(SslStream, SslClientAuthenticationOptions, TimeSpan?, CancellationToken)" path="/exception"/>
    public static Task AuthenticateAsServerAsync(SslStream stream, SslServerAuthenticationOptions options, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(options);
        return BoundedHandshake.RunAsync(
            HandshakeSubject.For(stream, isServer: true),
            deadline => stream.AuthenticateAsServerAsync(options, deadline.Token),
            BoundedHandshake.Limit(timeout),
            cancellationToken);
    }

    /// <summary>Runs the client handshake of <paramref name="stream"/> within <paramref name="timeout"/>.</summary>
    /// <param name="stream">A new, unauthenticated stream.</param>
    /// <param name="options">The client options, passed to <see cref="TlsEngineStream.AuthenticateAsClientAsync(SslClientAuthenticationOptions, CancellationToken)"/>.</param>
    /// <param name="timeout">The time limit of the whole handshake; null for <see cref="DefaultTimeout"/>. Must be positive and finite.</param>
    /// <param name="cancellationToken">Cancels the handshake; the stream and its transport are then disposed.</param>
    /// <returns>A task that completes when the stream is authenticated.</returns>
    /// <exception cref="NotSupportedException">An option TlsEngineStream cannot honour was set.</exception>
    /// <inheritdoc cref="AuthenticateAsClientAsync(SslStream, SslClientAuthenticationOptions, TimeSpan?, CancellationToken)" path="/exception"/>
    public static Task AuthenticateAsClientAsync(TlsEngineStream stream, SslClientAuthenticationOptions options, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(options);
        return BoundedHandshake.RunAsync(
            HandshakeSubject.For(stream, isServer: false),
            deadline => stream.AuthenticateAsClientAsync(options, deadline, deadline.Token),
            BoundedHandshake.Limit(timeout),
            cancellationToken);
    }

    /// <summary>Runs the server handshake of <paramref name="stream"/> within <paramref name="timeout"/>.</summary>
    /// <param name="stream">A new, unauthenticated stream.</param>
    /// <param name="options">The server options, passed to <see cref="TlsEngineStream.AuthenticateAsServerAsync(SslServerAuthenticationOptions, CancellationToken)"/>.</param>
    /// <param name="timeout">The time limit of the whole handshake; null for <see cref="DefaultTimeout"/>. Must be positive and finite.</param>
    /// <param name="cancellationToken">Cancels the handshake; the stream and its transport are then disposed.</param>
    /// <returns>A task that completes when the stream is authenticated.</returns>
    /// <exception cref="NotSupportedException">An option TlsEngineStream cannot honour was set.</exception>
    /// <inheritdoc cref="AuthenticateAsClientAsync(SslStream, SslClientAuthenticationOptions, TimeSpan?, CancellationToken)" path="/exception"/>
    public static Task AuthenticateAsServerAsync(TlsEngineStream stream, SslServerAuthenticationOptions options, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(options);
        return BoundedHandshake.RunAsync(
            HandshakeSubject.For(stream, isServer: true),
            deadline => stream.AuthenticateAsServerAsync(options, deadline, deadline.Token),
            BoundedHandshake.Limit(timeout),
            cancellationToken);
    }

    /// <summary>Runs the client handshake of <paramref name="stream"/> on this thread, for at most <paramref name="timeout"/>.</summary>
    /// <param name="stream">A new, unauthenticated stream.</param>
    /// <param name="options">The client options, passed to <see cref="SslStream.AuthenticateAsClient(SslClientAuthenticationOptions)"/>.</param>
    /// <param name="timeout">The time limit of the whole handshake; null for <see cref="DefaultTimeout"/>. Must be positive and finite.</param>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> or <paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is zero, negative, infinite or longer than about 49 days.</exception>
    /// <exception cref="TimeoutException">The handshake did not complete within <paramref name="timeout"/>; the stream and its transport were disposed.</exception>
    /// <exception cref="System.Security.Authentication.AuthenticationException">The handshake failed, as thrown by the stream.</exception>
    /// <exception cref="IOException">The transport failed or ended during the handshake, as thrown by the stream.</exception>
    public static void AuthenticateAsClient(SslStream stream, SslClientAuthenticationOptions options, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(options);
        BoundedHandshake.Run(HandshakeSubject.For(stream, isServer: false), _ => stream.AuthenticateAsClient(options), BoundedHandshake.Limit(timeout));
    }

    /// <summary>Runs the server handshake of <paramref name="stream"/> on this thread, for at most <paramref name="timeout"/>.</summary>
    /// <param name="stream">A new, unauthenticated stream.</param>
    /// <param name="options">The server options, passed to <see cref="SslStream.AuthenticateAsServer(SslServerAuthenticationOptions)"/>.</param>
    /// <param name="timeout">The time limit of the whole handshake; null for <see cref="DefaultTimeout"/>. Must be positive and finite.</param>
    /// <inheritdoc cref="AuthenticateAsClient(SslStream, SslClientAuthenticationOptions, TimeSpan?)" path="/exception"/>
    public static void AuthenticateAsServer(SslStream stream, SslServerAuthenticationOptions options, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(options);
        BoundedHandshake.Run(HandshakeSubject.For(stream, isServer: true), _ => stream.AuthenticateAsServer(options), BoundedHandshake.Limit(timeout));
    }

    /// <summary>Runs the client handshake of <paramref name="stream"/>, blocking this thread for at most <paramref name="timeout"/>
    /// (TlsEngineStream's handshake is asynchronous: this waits for it).</summary>
    /// <param name="stream">A new, unauthenticated stream.</param>
    /// <param name="options">The client options.</param>
    /// <param name="timeout">The time limit of the whole handshake; null for <see cref="DefaultTimeout"/>. Must be positive and finite.</param>
    /// <exception cref="NotSupportedException">An option TlsEngineStream cannot honour was set.</exception>
    /// <inheritdoc cref="AuthenticateAsClient(SslStream, SslClientAuthenticationOptions, TimeSpan?)" path="/exception"/>
    public static void AuthenticateAsClient(TlsEngineStream stream, SslClientAuthenticationOptions options, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(options);
        BoundedHandshake.Run(
            HandshakeSubject.For(stream, isServer: false),
            deadline => stream.AuthenticateAsClientAsync(options, deadline, deadline.Token).GetAwaiter().GetResult(),
            BoundedHandshake.Limit(timeout));
    }

    /// <summary>Runs the server handshake of <paramref name="stream"/>, blocking this thread for at most <paramref name="timeout"/>
    /// (TlsEngineStream's handshake is asynchronous: this waits for it).</summary>
    /// <param name="stream">A new, unauthenticated stream.</param>
    /// <param name="options">The server options.</param>
    /// <param name="timeout">The time limit of the whole handshake; null for <see cref="DefaultTimeout"/>. Must be positive and finite.</param>
    /// <exception cref="NotSupportedException">An option TlsEngineStream cannot honour was set.</exception>
    /// <inheritdoc cref="AuthenticateAsClient(SslStream, SslClientAuthenticationOptions, TimeSpan?)" path="/exception"/>
    public static void AuthenticateAsServer(TlsEngineStream stream, SslServerAuthenticationOptions options, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(options);
        BoundedHandshake.Run(
            HandshakeSubject.For(stream, isServer: true),
            deadline => stream.AuthenticateAsServerAsync(options, deadline, deadline.Token).GetAwaiter().GetResult(),
            BoundedHandshake.Limit(timeout));
    }
}
