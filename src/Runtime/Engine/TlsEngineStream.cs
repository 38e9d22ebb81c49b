using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Tls;
using TlsShutdown.Engine;
using TlsShutdown.Handshakes;

namespace TlsShutdown;

/// <summary>
/// A TLS 1.2/1.3 stream over any transport <see cref="Stream"/>, driven by BouncyCastle's TLS engine in
/// non-blocking mode, that gets the end of a connection exactly right: a read returns 0 only after the peer's
/// close_notify, and throws <see cref="TlsTruncationException"/> when the transport ends without one.
/// A drop-in for <see cref="SslStream"/>: the same authentication options, one reader and one writer at a time.
/// </summary>
/// <remarks>
/// Our code owns every transport read and write: BouncyCastle only encrypts and decrypts in memory. Buffering is
/// bounded: the transport is read only when no decrypted data is waiting, at most <c>32 KiB</c> at a time. Buffers
/// are rented from <see cref="System.Buffers.ArrayPool{T}.Shared"/> only while data is in flight: a zero-byte read
/// waits for the transport with no buffer (as SslStream's does), so an idle connection holds none.
/// A read never waits for a write: what the engine sends by itself (alerts, KeyUpdate answers) goes out when the
/// transport is free. TLS 1.3 close_notify ends one direction only (RFC 8446 §6.1): after the peer's, reads return
/// 0 and writes go on until the application closes its own direction; in TLS 1.2 the peer's close_notify is
/// answered at once (RFC 5246 §7.2.1). Records without application data are limited
/// (<see cref="MaxRecordsWithoutApplicationData"/>).
/// <see cref="Dispose(bool)"/> sends no close_notify (as with SslStream); close with
/// <see cref="GracefulTlsClose.CloseAsync(TlsEngineStream, TlsCloseOptions?, CancellationToken)"/> or
/// <see cref="ShutdownAsync(CancellationToken)"/>.
/// </remarks>
public sealed class TlsEngineStream : Stream
{
    /// <summary>
    /// How many TLS records in a row the peer may send without application data (empty records, warning alerts,
    /// KeyUpdates, session tickets, change_cipher_spec, handshake fragments that do not advance the handshake)
    /// before the connection fails with an <see cref="IOException"/>: 32, as OpenSSL allows 32 empty records.
    /// </summary>
    /// <remarks>
    /// Such records cost the reader work but give the application nothing, so a peer could otherwise keep a read
    /// (or a close waiting for the peer's close_notify) busy for as long as it likes. The count applies to
    /// application reads and to the handshake; a record that carries data or moves the handshake on starts it
    /// again. A legitimate peer sends a few in a row (two session tickets, a KeyUpdate), never dozens.
    /// </remarks>
    public const int MaxRecordsWithoutApplicationData = 32;

    private const int TransportReadSize = 32 * 1024;
    private const int MaxPlaintextPerWrite = 64 * 1024;

    // Four full TLS records of plaintext plus their headers, padding and tags: one write of 64 KiB goes out in one piece.
    private const int OutputBufferSize = MaxPlaintextPerWrite + (4 * 512);

    // ---- Fixed at construction.
    private readonly Stream _inner;
    private readonly bool _leaveInnerStreamOpen;

    // Held only around calls into the engine (in-memory work), never across I/O. Guards _engine's state and _failure.
    private readonly object _engineLock = new();

    // Serializes transport writes; whoever holds it drains the engine's output, so records leave in order.
    // A reader never waits for it: the engine's answers (alerts, KeyUpdates) are sent when it is free.
    private readonly SemaphoreSlim _writeGate = new(1, 1);

    // ---- Lifecycle (Interlocked; read anywhere).
    private int _phase;                    // (int)Phase
    private int _disposed;                 // 1 once disposed: every operation then throws ObjectDisposedException
    private int _readActive;               // 1 while a read runs: one reader at a time
    private int _writeActive;              // 1 while a write runs: one writer at a time

    // ---- Set once (_engine when authentication starts, the rest when it ends), read-only after (published by _phase = Open).
    private IEngineProtocol? _engine;      // calls into it only under _engineLock
    private SslProtocols _protocol;
    private SslApplicationProtocol _applicationProtocol;
    private X509Certificate2? _remoteCertificate;

    // ---- Guarded by _engineLock.
    private Exception? _failure;           // the first read failure (truncation, fatal alert, bad record): reads rethrow it

    // ---- Owned by the one reader (or the handshake, before any reader). Its transport buffer is rented per read.
    private RecordBoundaries _records;
    private int _recordsWithoutData;       // consecutive records with no application data and no handshake progress

    // The holder of _writeGate rents the output buffer while it drains the engine's output.

    // Our direction: closed once our close_notify went out (ours, or the engine's TLS 1.2 answer to the peer's).
    private volatile bool _outputClosed;

    /// <summary>Where the stream is in its life; disposal is tracked apart (<c>_disposed</c>), since it can come at any point.</summary>
    private enum Phase
    {
        /// <summary>Created; no authentication started.</summary>
        New,

        /// <summary>An AuthenticateAs… call is running the handshake.</summary>
        Handshaking,

        /// <summary>The handshake completed: application data may flow.</summary>
        Open,
    }

    /// <summary>Creates a TLS stream over <paramref name="innerStream"/>; authenticate it before use.</summary>
    /// <param name="innerStream">The transport, typically a <see cref="System.Net.Sockets.NetworkStream"/>.</param>
    /// <param name="leaveInnerStreamOpen">When true, disposing this stream leaves <paramref name="innerStream"/> open.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerStream"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="innerStream"/> cannot both read and write.</exception>
    public TlsEngineStream(Stream innerStream, bool leaveInnerStreamOpen = false)
    {
        ArgumentNullException.ThrowIfNull(innerStream);
        if (!innerStream.CanRead || !innerStream.CanWrite)
        {
            throw new ArgumentException("The transport must be readable and writable.", nameof(innerStream));
        }

        _inner = innerStream;
        _leaveInnerStreamOpen = leaveInnerStreamOpen;
    }

    /// <summary>Whether the handshake completed.</summary>
    public bool IsAuthenticated => Volatile.Read(ref _phase) == (int)Phase.Open;

    /// <summary>The negotiated protocol version (<see cref="SslProtocols.Tls12"/> or <see cref="SslProtocols.Tls13"/>);
    /// <see cref="SslProtocols.None"/> before authentication.</summary>
    public SslProtocols SslProtocol => _protocol;

    /// <summary>The protocol chosen by ALPN; default when none was negotiated.</summary>
    public SslApplicationProtocol NegotiatedApplicationProtocol => _applicationProtocol;

    /// <summary>The peer's certificate, once validated; null when the peer sent none.</summary>
    public X509Certificate2? RemoteCertificate => _remoteCertificate;

    /// <summary>Whether disposing this stream leaves the transport open.</summary>
    public bool LeaveInnerStreamOpen => _leaveInnerStreamOpen;

    /// <summary>The transport under the TLS stream.</summary>
    public Stream InnerStream => _inner;

    /// <summary>Whether the peer's close_notify has been received: its direction of the connection ended cleanly.</summary>
    public bool CloseNotifyReceived => _engine?.CloseNotifyReceived ?? false;

    /// <summary>Whether our close_notify has been sent (by <see cref="ShutdownAsync(CancellationToken)"/>, by
    /// <see cref="GracefulTlsClose"/>, or, in TLS 1.2, by the engine in answer to the peer's). In TLS 1.3 the peer's
    /// close_notify ends only its direction: ours stays open until the application closes it.</summary>
    public bool CloseNotifySent => _outputClosed;

    /// <inheritdoc/>
    public override bool CanRead => IsAuthenticated && _disposed == 0 && _inner.CanRead;

    /// <inheritdoc/>
    public override bool CanWrite => IsAuthenticated && _disposed == 0 && _inner.CanWrite;

    /// <inheritdoc/>
    public override bool CanSeek => false;

    /// <inheritdoc/>
    public override bool CanTimeout => _inner.CanTimeout;

    /// <inheritdoc/>
    public override int ReadTimeout
    {
        get => _inner.ReadTimeout;
        set => _inner.ReadTimeout = value;
    }

    /// <inheritdoc/>
    public override int WriteTimeout
    {
        get => _inner.WriteTimeout;
        set => _inner.WriteTimeout = value;
    }

    /// <summary>Not supported.</summary>
    /// <exception cref="NotSupportedException">Always.</exception>
    public override long Length => throw new NotSupportedException();

    /// <summary>Not supported.</summary>
    /// <exception cref="NotSupportedException">Always.</exception>
    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    internal bool IsClosedForClose => _disposed != 0;

    /// <summary>Why the connection failed (a fatal alert sent or received, a truncation, a bad record); null while it has not.</summary>
    internal Exception? Failure
    {
        get
        {
            lock (_engineLock)
            {
                return _failure ?? (_engine?.Protocol.IsFailed == true
                    ? new IOException("The TLS connection failed: a fatal alert was sent or received.")
                    : null);
            }
        }
    }

    /// <summary>
    /// Whether the handshake resumed an earlier TLS 1.2 session (an abbreviated handshake: no certificates, no key
    /// exchange); false before the handshake completed. Resumption follows <see cref="SslClientAuthenticationOptions.AllowTlsResume"/>
    /// and <see cref="SslServerAuthenticationOptions.AllowTlsResume"/> (on by default, as for SslStream). TLS 1.3
    /// handshakes are always full: BouncyCastle 2.7 neither uses nor issues TLS 1.3 session tickets.
    /// </summary>
    public bool IsResumedSession
    {
        get
        {
            lock (_engineLock)
            {
                return IsAuthenticated && _engine!.EngineContext.SecurityParameters.IsResumedSession;
            }
        }
    }

    /// <summary>Runs the TLS handshake as a client.</summary>
    /// <param name="options">Honoured: TargetHost (SNI and name check), RemoteCertificateValidationCallback,
    /// EnabledSslProtocols, ApplicationProtocols, ClientCertificates/ClientCertificateContext,
    /// CertificateRevocationCheckMode, CertificateChainPolicy.</param>
    /// <param name="cancellationToken">Bounds the handshake; cancellation leaves the stream unusable.</param>
    /// <returns>A task that completes when the connection is authenticated.</returns>
    /// <exception cref="NotSupportedException">An option TlsEngineStream cannot honour was set.</exception>
    /// <exception cref="AuthenticationException">The handshake failed (certificate refused, protocol error, fatal alert).</exception>
    /// <exception cref="IOException">The transport failed or ended during the handshake.</exception>
    public Task AuthenticateAsClientAsync(SslClientAuthenticationOptions options, CancellationToken cancellationToken = default) =>
        AuthenticateAsClientAsync(options, deadline: null, cancellationToken);

    /// <summary>The client handshake; <paramref name="deadline"/> is <see cref="TlsHandshake"/>'s time limit, for the metrics.</summary>
    internal Task AuthenticateAsClientAsync(SslClientAuthenticationOptions options, HandshakeDeadline? deadline, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        StartAuthentication();
        EngineClient client = EngineClient.Create(options, this);
        var protocol = new EngineClientProtocol();
        lock (_engineLock)
        {
            _engine = protocol;
            protocol.Connect(client);
        }

        HandshakeRecording recording = HandshakeRecording.Start(nameof(TlsEngineStream), isServer: false);
        return EngineHandshakeMetrics.RecordAsync(this, recording, HandshakeAsync(client.Validator, cancellationToken), client.Validator, deadline);
    }

    /// <summary>Runs the TLS handshake as a server.</summary>
    /// <param name="options">Honoured: ServerCertificate/ServerCertificateContext (RSA or ECDSA key),
    /// ClientCertificateRequired, RemoteCertificateValidationCallback, EnabledSslProtocols, ApplicationProtocols,
    /// CertificateRevocationCheckMode, CertificateChainPolicy.</param>
    /// <param name="cancellationToken">Bounds the handshake; cancellation leaves the stream unusable.</param>
    /// <returns>A task that completes when the connection is authenticated.</returns>
    /// <exception cref="NotSupportedException">An option TlsEngineStream cannot honour was set.</exception>
    /// <exception cref="AuthenticationException">The handshake failed (certificate refused, protocol error, fatal alert).</exception>
    /// <exception cref="IOException">The transport failed or ended during the handshake.</exception>
    public Task AuthenticateAsServerAsync(SslServerAuthenticationOptions options, CancellationToken cancellationToken = default) =>
        AuthenticateAsServerAsync(options, deadline: null, cancellationToken);

    /// <summary>The server handshake; <paramref name="deadline"/> is <see cref="TlsHandshake"/>'s time limit, for the metrics.</summary>
    internal Task AuthenticateAsServerAsync(SslServerAuthenticationOptions options, HandshakeDeadline? deadline, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        StartAuthentication();
        EngineServer server = EngineServer.Create(options, this);
        var protocol = new EngineServerProtocol();
        lock (_engineLock)
        {
            _engine = protocol;
            protocol.Accept(server);
        }

        HandshakeRecording recording = HandshakeRecording.Start(nameof(TlsEngineStream), isServer: true);
        return EngineHandshakeMetrics.RecordAsync(this, recording, HandshakeAsync(server.Validator, cancellationToken), server.Validator, deadline);
    }

    /// <summary>
    /// Sends our close_notify without closing the transport (a half-close): reads go on until the peer's
    /// close_notify, writes throw <see cref="InvalidOperationException"/>. Completes at once when ours was sent before.
    /// In TLS 1.3 this is also how the application ends its direction after the peer ended its own (RFC 8446 §6.1).
    /// Not bounded: prefer <see cref="GracefulTlsClose.CloseAsync(TlsEngineStream, TlsCloseOptions?, CancellationToken)"/>.
    /// </summary>
    /// <param name="cancellationToken">Cancels the wait for the transport write.</param>
    /// <returns>A task that completes when the alert is handed to the transport.</returns>
    /// <exception cref="InvalidOperationException">The stream is not authenticated.</exception>
    public Task ShutdownAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfNotAuthenticated();
        return ShutdownCoreAsync(cancellationToken);
    }

    /// <inheritdoc/>
    public override int Read(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        return Completed(ReadCoreAsync<SyncTransportIo>(buffer.AsMemory(offset, count), CancellationToken.None));
    }

    /// <inheritdoc/>
    public override int Read(Span<byte> buffer)
    {
        // The engine reads into a managed buffer; a span cannot cross the transport call, so copy through a rented array.
        byte[] rented = System.Buffers.ArrayPool<byte>.Shared.Rent(Math.Max(buffer.Length, 1));
        try
        {
            int read = Completed(ReadCoreAsync<SyncTransportIo>(rented.AsMemory(0, buffer.Length), CancellationToken.None));
            rented.AsSpan(0, read).CopyTo(buffer);
            return read;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <inheritdoc/>
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return ReadCoreAsync<AsyncTransportIo>(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    /// <inheritdoc/>
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ReadCoreAsync<AsyncTransportIo>(buffer, cancellationToken);

    /// <inheritdoc/>
    public override void Write(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        Completed(WriteCoreAsync<SyncTransportIo>(buffer.AsMemory(offset, count), CancellationToken.None));
    }

    /// <inheritdoc/>
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        byte[] rented = System.Buffers.ArrayPool<byte>.Shared.Rent(Math.Max(buffer.Length, 1));
        try
        {
            buffer.CopyTo(rented);
            Completed(WriteCoreAsync<SyncTransportIo>(rented.AsMemory(0, buffer.Length), CancellationToken.None));
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <inheritdoc/>
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return WriteCoreAsync<AsyncTransportIo>(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    /// <inheritdoc/>
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        WriteCoreAsync<AsyncTransportIo>(buffer, cancellationToken);

    /// <inheritdoc/>
    public override void Flush() => _inner.Flush();

    /// <inheritdoc/>
    public override Task FlushAsync(CancellationToken cancellationToken) => _inner.FlushAsync(cancellationToken);

    /// <summary>Not supported.</summary>
    /// <exception cref="NotSupportedException">Always.</exception>
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <summary>Not supported.</summary>
    /// <exception cref="NotSupportedException">Always.</exception>
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0 && !_leaveInnerStreamOpen)
        {
            await _inner.DisposeAsync().ConfigureAwait(false);
        }

        await base.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Disposes the stream, and the transport unless it was opened with leave-open. Sends no close_notify.</summary>
    /// <param name="disposing">True from <see cref="Stream.Dispose()"/>.</param>
    protected override void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _disposed, 1) == 0 && !_leaveInnerStreamOpen)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>The half-close, for <see cref="ShutdownAsync(CancellationToken)"/> and <see cref="GracefulTlsClose"/>:
    /// queue our close_notify, send it, stop all further output. Reads go on.</summary>
    /// <exception cref="InvalidOperationException">A fatal alert ended the connection: there is no close_notify to send.</exception>
    internal async Task ShutdownCoreAsync(CancellationToken cancellationToken)
    {
        IEngineProtocol engine = _engine!;
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            lock (_engineLock)
            {
                if (engine.Protocol.IsFailed)
                {
                    throw new InvalidOperationException("The TLS connection failed; no close_notify can be sent.");
                }

                engine.SendCloseNotify();
            }

            await DrainOutputLockedAsync<AsyncTransportIo>(cancellationToken).ConfigureAwait(false);
            _outputClosed = true;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>Whether <paramref name="error"/> (thrown by a read) means the transport ended without close_notify.</summary>
    internal static bool IsTruncation(Exception error) => error is TlsTruncationException;

    private void StartAuthentication()
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (Interlocked.CompareExchange(ref _phase, (int)Phase.Handshaking, (int)Phase.New) != (int)Phase.New)
        {
            throw new InvalidOperationException("This stream has already been authenticated, or an authentication is in progress.");
        }
    }

    private async Task HandshakeAsync(EngineCertificateValidator validator, CancellationToken cancellationToken)
    {
        TlsProtocol protocol = _engine!.Protocol;
        while (true)
        {
            await FlushOutputAsync(cancellationToken).ConfigureAwait(false);
            lock (_engineLock)
            {
                if (!protocol.IsHandshaking)
                {
                    // The peer's close_notify may arrive in the same read as its Finished (a TLS 1.2 server that ends
                    // the session at once): the engine then closes, yet the handshake succeeded (the engine refuses a
                    // close_notify before it), and reads return what came before the alert, then 0.
                    if (!protocol.IsConnected && !_engine.CloseNotifyReceived)
                    {
                        throw new AuthenticationException("The TLS handshake failed: the connection closed.");
                    }

                    break;
                }
            }

            byte[] readBuffer = TransportBuffers.Rent(TransportReadSize);
            int read = 0;
            try
            {
                read = await _inner.ReadAsync(readBuffer.AsMemory(0, TransportReadSize), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    throw new IOException("The transport ended during the TLS handshake.");
                }

                try
                {
                    OfferRecords(readBuffer, read);
                }
                catch (Exception error) when (error is not OperationCanceledException)
                {
                    await TrySendAlertAsync().ConfigureAwait(false);
                    string reason = validator.FailureReason ?? Describe(error);
                    throw new AuthenticationException($"The TLS handshake failed: {reason}", validator.CallbackError ?? error);
                }
            }
            finally
            {
                TransportBuffers.Return(readBuffer, read);
            }
        }

        lock (_engineLock)
        {
            SecurityParameters parameters = _engine.EngineContext.SecurityParameters;
            _protocol = EngineProtocolVersions.ToSslProtocols(parameters.NegotiatedVersion);
            _applicationProtocol = EngineApplicationProtocols.ToSsl(parameters.ApplicationProtocol);
        }

        _remoteCertificate = validator.RemoteCertificate;
        _recordsWithoutData = 0;
        Volatile.Write(ref _phase, (int)Phase.Open);
    }

    private async ValueTask<int> ReadCoreAsync<TIo>(Memory<byte> buffer, CancellationToken cancellationToken)
        where TIo : struct, ITransportIo
    {
        ThrowIfNotAuthenticated();
        if (Interlocked.Exchange(ref _readActive, 1) != 0)
        {
            throw new NotSupportedException("The ReadAsync method cannot be called when another read operation is pending.");
        }

        try
        {
            IEngineProtocol engine = _engine!;
            TlsProtocol protocol = engine.Protocol;
            while (true)
            {
                lock (_engineLock)
                {
                    if (protocol.ApplicationDataAvailable > 0)
                    {
                        return buffer.IsEmpty ? 0 : protocol.ReadApplicationData(buffer.Span);
                    }

                    if (engine.CloseNotifyReceived)
                    {
                        return 0;
                    }

                    if (_failure is not null)
                    {
                        throw Again(_failure);
                    }
                }

                cancellationToken.ThrowIfCancellationRequested();

                // The transport buffer is rented only once data is there to read; a dispose that races this read
                // closes the transport, which ends the read, and the buffer goes back here, never elsewhere.
                byte[]? readBuffer = null;
                int read = 0;
                try
                {
                    try
                    {
                        if (buffer.IsEmpty)
                        {
                            // A zero-byte read waits for data with no buffer of ours, as SslStream's does, after
                            // the engine trimmed its own queues: an idle connection then holds almost nothing.
                            TrimEngineBuffers();
                            await TIo.ReadAsync(_inner, Memory<byte>.Empty, cancellationToken).ConfigureAwait(false);
                        }

                        readBuffer = TransportBuffers.Rent(TransportReadSize);
                        read = await TIo.ReadAsync(_inner, readBuffer.AsMemory(0, TransportReadSize), cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception error) when (IsTransportFailure(error) && !IsTimeout(error) && !cancellationToken.IsCancellationRequested)
                    {
                        throw Fail(new TlsTruncationException("The transport failed before the peer's close_notify: the data may have been truncated.", error));
                    }

                    if (read == 0)
                    {
                        throw Fail(new TlsTruncationException());
                    }

                    try
                    {
                        OfferRecords(readBuffer, read);
                    }
                    catch (Exception error) when (error is not OperationCanceledException)
                    {
                        Exception failure = Fail(error is RecordFloodException
                            ? new IOException(error.Message, error)
                            : new IOException($"The TLS connection failed: {Describe(error)}", error));
                        SendEngineOutput();
                        lock (_engineLock)
                        {
                            // Records before the bad one were authenticated and decrypted in the same offer: hand them
                            // out first (the loop returns them), as when they had come in an earlier transport read.
                            if (protocol.ApplicationDataAvailable > 0)
                            {
                                continue;
                            }
                        }

                        throw failure;
                    }
                }
                finally
                {
                    if (readBuffer is not null)
                    {
                        TransportBuffers.Return(readBuffer, read);
                    }
                }

                // An answer to the peer (our TLS 1.2 close_notify after its own, a KeyUpdate): sent without waiting.
                SendEngineOutput();
            }
        }
        finally
        {
            Volatile.Write(ref _readActive, 0);
        }
    }

    /// <summary>
    /// Hands the engine <paramref name="count"/> bytes one record at a time, counting the records that gave the
    /// application nothing and did not move the handshake on (<see cref="MaxRecordsWithoutApplicationData"/>).
    /// Called by the one reader, or by the handshake.
    /// </summary>
    private void OfferRecords(byte[] input, int count)
    {
        IEngineProtocol engine = _engine!;
        TlsProtocol protocol = engine.Protocol;
        int offset = 0;
        while (offset < count)
        {
            int length = _records.Next(input.AsSpan(offset, count - offset), out bool recordEnded);
            bool progress;
            lock (_engineLock)
            {
                int dataBefore = protocol.ApplicationDataAvailable;
                int stateBefore = engine.HandshakeState;
                protocol.OfferInput(input, offset, length);
                progress = protocol.ApplicationDataAvailable > dataBefore || engine.HandshakeState != stateBefore;
            }

            offset += length;
            if (!recordEnded)
            {
                continue;
            }

            _recordsWithoutData = progress ? 0 : _recordsWithoutData + 1;
            if (_recordsWithoutData > MaxRecordsWithoutApplicationData)
            {
                throw new RecordFloodException();
            }
        }
    }

    private async ValueTask WriteCoreAsync<TIo>(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
        where TIo : struct, ITransportIo
    {
        ThrowIfNotAuthenticated();
        if (Interlocked.Exchange(ref _writeActive, 1) != 0)
        {
            throw new NotSupportedException("The WriteAsync method cannot be called when another write operation is pending.");
        }

        try
        {
            await TIo.EnterAsync(_writeGate, cancellationToken).ConfigureAwait(false);
            try
            {
                TlsProtocol protocol = _engine!.Protocol;
                while (!buffer.IsEmpty)
                {
                    int chunk = Math.Min(buffer.Length, MaxPlaintextPerWrite);
                    lock (_engineLock)
                    {
                        ThrowIfOutputClosed();
                        protocol.WriteApplicationData(buffer.Span[..chunk]);
                    }

                    await DrainOutputLockedAsync<TIo>(cancellationToken).ConfigureAwait(false);
                    buffer = buffer[chunk..];
                }
            }
            finally
            {
                _writeGate.Release();
            }

            // A reader may have queued an answer while we held the gate, after our last drain.
            SendEngineOutput();
        }
        finally
        {
            Volatile.Write(ref _writeActive, 0);
        }
    }

    private async ValueTask FlushOutputAsync(CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await DrainOutputLockedAsync<AsyncTransportIo>(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>Lets the engine drop the capacity of its queues that are empty (see <see cref="IEngineProtocol.TrimBuffers"/>).</summary>
    private void TrimEngineBuffers()
    {
        lock (_engineLock)
        {
            _engine!.TrimBuffers();
        }
    }

    /// <summary>Writes all of the engine's pending output to the transport; the caller holds the write gate.</summary>
    private async ValueTask DrainOutputLockedAsync<TIo>(CancellationToken cancellationToken)
        where TIo : struct, ITransportIo
    {
        IEngineProtocol engine = _engine!;
        TlsProtocol protocol = engine.Protocol;

        // Rented only when there is output, returned when it has all gone out (or the transport failed).
        byte[]? output = null;
        try
        {
            while (true)
            {
                int count = 0;
                lock (_engineLock)
                {
                    if (protocol.GetAvailableOutputBytes() > 0)
                    {
                        output ??= TransportBuffers.Rent(OutputBufferSize);
                        count = protocol.ReadOutput(output, 0, OutputBufferSize);
                    }

                    if (_outputClosed)
                    {
                        // After our close_notify nothing more may be sent (the engine may still answer a key update).
                        while (count > 0 && protocol.ReadOutput(output!, 0, OutputBufferSize) > 0)
                        {
                        }

                        count = 0;
                    }
                    else if (count == 0 && engine.CloseNotifySent)
                    {
                        _outputClosed = true;
                    }
                }

                if (count == 0)
                {
                    return;
                }

                await TIo.WriteAsync(_inner, output!.AsMemory(0, count), cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            if (output is not null)
            {
                TransportBuffers.Return(output, 0);
            }
        }
    }

    /// <summary>
    /// Sends what the engine queued on its own (alerts, KeyUpdate answers) when no write is in progress, without
    /// waiting for it: a reader must never wait for the transport's write side (a peer that does not read would
    /// hold back data already decrypted). A writer that holds the gate sends it after its own records instead.
    /// </summary>
    private void SendEngineOutput()
    {
        lock (_engineLock)
        {
            if (_engine!.Protocol.GetAvailableOutputBytes() == 0)
            {
                return;
            }
        }

        if (_writeGate.Wait(0))
        {
            _ = SendEngineOutputLockedAsync();
        }
    }

    private async Task SendEngineOutputLockedAsync()
    {
        try
        {
            await DrainOutputLockedAsync<AsyncTransportIo>(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The transport failed or was closed: the next read or write reports it.
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>Best effort, bounded: hands a fatal alert the engine queued to the transport, when no write is in progress.</summary>
    private async ValueTask TrySendAlertAsync()
    {
        if (!_writeGate.Wait(0))
        {
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            await DrainOutputLockedAsync<AsyncTransportIo>(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The connection is failing anyway; the alert is a courtesy.
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private Exception Fail(Exception error)
    {
        lock (_engineLock)
        {
            _failure ??= _engine?.Events.Explain(error) ?? error;
            return _failure;
        }
    }

    private static IOException Again(Exception failure) => failure switch
    {
        TlsTruncationException => new TlsTruncationException(failure.Message, failure),
        _ => new IOException(failure.Message, failure),
    };

    // With SyncTransportIo every awaited operation completes synchronously (the transport's sync methods, the gate's
    // Wait): the value task is complete when it is returned, and no thread ever blocks on an asynchronous operation.
    private static T Completed<T>(ValueTask<T> task)
    {
        System.Diagnostics.Debug.Assert(task.IsCompleted, "A sync operation completed asynchronously.");
        return task.GetAwaiter().GetResult();
    }

    private static void Completed(ValueTask task)
    {
        System.Diagnostics.Debug.Assert(task.IsCompleted, "A sync operation completed asynchronously.");
        task.GetAwaiter().GetResult();
    }

    private void ThrowIfNotAuthenticated()
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (!IsAuthenticated)
        {
            throw new InvalidOperationException("This operation is only allowed using a successfully authenticated context.");
        }
    }

    private void ThrowIfOutputClosed()
    {
        if (_outputClosed || _engine!.CloseNotifySent)
        {
            throw new InvalidOperationException("Cannot write after the TLS close_notify was sent.");
        }
    }

    private static bool IsTransportFailure(Exception error) =>
        error is IOException or System.Net.Sockets.SocketException or ObjectDisposedException;

    private static bool IsTimeout(Exception error) =>
        error is IOException { InnerException: System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.TimedOut or System.Net.Sockets.SocketError.WouldBlock } };

    private static string Describe(Exception error) => error switch
    {
        TlsFatalAlertReceived received => $"the peer sent a fatal alert ({AlertDescription.GetText(received.AlertDescription)}).",
        TlsFatalAlert alert => $"{AlertDescription.GetText(alert.AlertDescription)}{(alert.InnerException is null && alert.Message is { Length: > 0 } m ? " (" + m + ")" : string.Empty)}.",
        _ => error.Message,
    };

    /// <summary>The peer sent more than <see cref="MaxRecordsWithoutApplicationData"/> records in a row that carry nothing.</summary>
    private sealed class RecordFloodException() : IOException(
        $"The peer sent more than {MaxRecordsWithoutApplicationData} TLS records in a row without application data " +
        "(empty records, warning alerts, KeyUpdates or session tickets); the connection was failed to bound the work a peer can cause.");
}
