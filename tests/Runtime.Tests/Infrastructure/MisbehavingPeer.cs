using System.Diagnostics;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;

namespace TlsShutdown.Tests.Infrastructure;

/// <summary>
/// A real TLS server (an <see cref="SslStream"/> on the accepted socket) that treats the client's close as its
/// <see cref="PeerBehavior"/> says, and reports what it observed. It knows nothing of the client's stream type, so
/// the same zoo tests any TLS client.
/// </summary>
public sealed class MisbehavingPeer : IAsyncDisposable
{
    private const int ReadSize = 16 * 1024;

    private readonly Socket _socket;
    private readonly TransportObservingStream _transport;
    private readonly SslStream _tls;
    private readonly PeerOptions _options;
    private readonly TaskCompletionSource _handshake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<bool> _closeNotify = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<PeerEnd> _end = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _dataSent = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _resumeReading = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _bytesSent;
    private long _bytesReceived;

    private MisbehavingPeer(Socket socket, PeerBehavior behavior, SslProtocols protocol, PeerOptions options)
    {
        ThreadPoolHeadroom.Ensure();
        _socket = socket;
        _transport = new TransportObservingStream(new NetworkStream(socket, ownsSocket: true));
        _tls = new SslStream(_transport, leaveInnerStreamOpen: false);
        _options = options;
        Behavior = behavior;
        Protocol = protocol;
        Completion = RunAsync();
    }

    public PeerBehavior Behavior { get; }

    public SslProtocols Protocol { get; }

    /// <summary>Completes when the server handshake succeeded; faults when it failed.</summary>
    public Task Handshake => _handshake.Task;

    /// <summary>True once the client's close_notify arrived; false when the connection ended (or the handshake
    /// failed) without it.</summary>
    public Task<bool> CloseNotifyReceived => _closeNotify.Task;

    /// <summary>How the peer saw the TCP connection end. Completes only when it has ended.</summary>
    public Task<PeerEnd> TransportEnded => _end.Task;

    /// <summary>Completes once a first write of application data has been handed to the transport: on loopback it
    /// is then in the client's receive buffer.</summary>
    public Task ApplicationDataSent => _dataSent.Task;

    /// <summary>Application data the peer has handed to its TLS stream (whole writes only).</summary>
    public long ApplicationBytesSent => Interlocked.Read(ref _bytesSent);

    /// <summary>Application data the peer has read from the client.</summary>
    public long ApplicationBytesReceived => Interlocked.Read(ref _bytesReceived);

    /// <summary>Completes when the peer is done with the connection; faults only for a behaviour it does not implement.</summary>
    public Task Completion { get; }

    /// <summary>Runs a peer on the accepted <paramref name="socket"/>, which it takes ownership of.</summary>
    public static MisbehavingPeer Start(Socket socket, PeerBehavior behavior, SslProtocols protocol, PeerOptions? options = null) =>
        new(socket, behavior, protocol, options ?? new PeerOptions());

    /// <summary>Lets a <see cref="PeerBehavior.StopsReading"/> peer read again: it drains what the client sent
    /// until the end of the connection.</summary>
    public void ResumeReading() => _resumeReading.TrySetResult();

    /// <summary>Closes the peer's socket (if the behaviour has not) and waits until the peer is done.</summary>
    public async ValueTask DisposeAsync()
    {
        _resumeReading.TrySetResult();
        _tls.Dispose();
        await Completion;
    }

    private async Task RunAsync()
    {
        try
        {
            await _tls.AuthenticateAsServerAsync(TestTls.ServerOptions(Protocol, _options.Certificate));
            _handshake.TrySetResult();
        }
        catch (Exception error)
        {
            _handshake.TrySetException(error);

            // A failed handshake is expected in some tests and ignored by others: never an unobserved exception.
            _ = _handshake.Task.Exception;
            _closeNotify.TrySetResult(false);
            _end.TrySetResult(EndSeenByTransport());
            _tls.Dispose();
            return;
        }

        try
        {
            await BehaveAsync();
        }
        catch (Exception error) when (error is not UnreachableException)
        {
            // A read or write failed: the client ended the connection (or reset it) while the peer was busy.
        }
        finally
        {
            _closeNotify.TrySetResult(false);
            _end.TrySetResult(EndSeenByTransport());
            _tls.Dispose();
        }
    }

    private async Task BehaveAsync()
    {
        if (Behavior == PeerBehavior.StopsReading)
        {
            await _resumeReading.Task;
        }

        if (Behavior == PeerBehavior.FloodsWithoutEnd)
        {
            await FloodWhileReadingAsync();
            return;
        }

        if (Behavior == PeerBehavior.ClosesFirst)
        {
            await _tls.ShutdownAsync();
        }

        if (!await ReadUntilCloseNotifyAsync())
        {
            return;
        }

        switch (Behavior)
        {
            case PeerBehavior.AnswersCloseNotify:
                await _tls.ShutdownAsync();
                _socket.Shutdown(SocketShutdown.Send);
                break;
            case PeerBehavior.AnswersCloseNotifyKeepsOpen:
                await _tls.ShutdownAsync();
                break;
            case PeerBehavior.ClosesWithoutCloseNotify:
                _socket.Shutdown(SocketShutdown.Send);
                break;
            case PeerBehavior.NeverAnswers:
            case PeerBehavior.StopsReading:
            case PeerBehavior.ClosesFirst:
                break;
            case PeerBehavior.SendsDataThenClosesCleanly:
                await SendApplicationDataAsync(_options.FloodBytes);
                await _tls.ShutdownAsync();
                _socket.Shutdown(SocketShutdown.Send);
                break;
            case PeerBehavior.Resets:
                _socket.LingerState = new LingerOption(enable: true, seconds: 0);
                _socket.Close();
                _end.TrySetResult(PeerEnd.ClosedByPeer);
                return;
            case PeerBehavior.SendsGarbage:
                await _transport.WriteAsync(_options.Garbage);
                break;
            default:
                // Faults Completion, so that DisposeAsync fails the test instead of the peer quietly doing nothing.
                throw new UnreachableException($"MisbehavingPeer does not implement {Behavior}.");
        }

        await DrainTransportAsync();
    }

    /// <returns>Whether the client's close_notify arrived; false when the transport ended first.</returns>
    private async Task<bool> ReadUntilCloseNotifyAsync()
    {
        var buffer = new byte[ReadSize];
        int read;
        while ((read = await _tls.ReadAsync(buffer)) > 0)
        {
            Interlocked.Add(ref _bytesReceived, read);
        }

        // SslStream returns 0 both for close_notify and for a bare FIN; the raw transport tells them apart.
        bool closeNotify = !_transport.SawEndOfStream;
        _closeNotify.TrySetResult(closeNotify);
        return closeNotify;
    }

    /// <summary>Sends without end, from the handshake on, while reading until the client's close_notify; ends
    /// when the client cuts the connection.</summary>
    private async Task FloodWhileReadingAsync()
    {
        Task<bool> reading = ReadUntilCloseNotifyAsync();
        try
        {
            await SendApplicationDataAsync(long.MaxValue);
        }
        finally
        {
            // The cut ends the read too (with an error): wait for it, and observe it.
            await reading.ContinueWith(static read => _ = read.Exception, TaskScheduler.Default);
        }
    }

    private async Task SendApplicationDataAsync(long total)
    {
        var chunk = new byte[_options.WriteSize];
        Array.Fill(chunk, (byte)'x');
        for (long sent = 0; sent < total; sent += chunk.Length)
        {
            int size = (int)Math.Min(chunk.Length, total - sent);
            await _tls.WriteAsync(chunk.AsMemory(0, size));
            Interlocked.Add(ref _bytesSent, size);
            _dataSent.TrySetResult();
        }
    }

    /// <summary>Reads the raw transport, under TLS, until the client's end of the connection.</summary>
    private async Task DrainTransportAsync()
    {
        var buffer = new byte[ReadSize];
        while (await _transport.ReadAsync(buffer) > 0)
        {
        }
    }

    private PeerEnd EndSeenByTransport() => _transport.SawEndOfStream && _transport.Failure is null
        ? PeerEnd.EndOfStream
        : PeerEnd.Reset;
}
