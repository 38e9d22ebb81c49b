using System.Net.Security;
using System.Security.Authentication;
using TlsShutdown.Closing;

namespace TlsShutdown.Handshakes;

/// <summary>The stream whose handshake <see cref="BoundedHandshake"/> runs: what to dispose when it must end, and how it is recorded.</summary>
internal sealed class HandshakeSubject
{
    private readonly Stream _tls;
    private readonly Func<SslProtocols> _protocol;
    private readonly bool _recordsItself;
    private readonly bool _isServer;

    private HandshakeSubject(Stream tls, Stream transport, string streamType, bool isServer, bool recordsItself, Func<SslProtocols> protocol)
    {
        _tls = tls;
        Transport = transport;
        StreamType = streamType;
        _isServer = isServer;
        _recordsItself = recordsItself;
        _protocol = protocol;
    }

    /// <summary>The stream type, as tagged in the meter.</summary>
    public string StreamType { get; }

    /// <summary>The stream under the TLS stream: disposing it ends whatever I/O the handshake has pending.</summary>
    public Stream Transport { get; }

    /// <summary>The negotiated version, once the handshake succeeded.</summary>
    public SslProtocols Protocol => _protocol();

    /// <summary>An SslStream: recorded here, as SslStream has no meter of its own.</summary>
    public static HandshakeSubject For(SslStream stream, bool isServer) =>
        new(stream, SslStreamCloseTarget.InnerStreamOf(stream), nameof(SslStream), isServer, recordsItself: false, () => stream.SslProtocol);

    /// <summary>A TlsEngineStream: it records its own handshakes, with what only it knows (resumption, certificate refusals).</summary>
    public static HandshakeSubject For(TlsEngineStream stream, bool isServer) =>
        new(stream, stream.InnerStream, nameof(TlsEngineStream), isServer, recordsItself: true, () => stream.SslProtocol);

    /// <summary>Starts recording the handshake, or null when the stream records it itself.</summary>
    public HandshakeRecording? StartRecording() => _recordsItself ? null : HandshakeRecording.Start(StreamType, _isServer);

    /// <summary>Disposes the transport (and, under an <see cref="EofTrackingStream"/>, the transport it wraps), even
    /// one opened with leave-open: a connection abandoned mid-handshake cannot carry anything else. Never throws.</summary>
    public void DisposeTransportQuietly() => DisposeQuietly(Transport);

    /// <summary>Disposes the TLS stream and its transport. Never throws.</summary>
    public void DisposeQuietly()
    {
        DisposeTransportQuietly();
        try
        {
            _tls.Dispose();
        }
        catch (Exception)
        {
            // A stream torn down mid-handshake may complain; it is disposed as far as it can be.
        }
    }

    /// <summary>Disposes <paramref name="transport"/> and, when it is an <see cref="EofTrackingStream"/>, the stream under it. Never throws.</summary>
    public static void DisposeQuietly(Stream? transport)
    {
        try
        {
            if (transport is EofTrackingStream tracker)
            {
                tracker.InnerStream.Dispose();
            }

            transport?.Dispose();
        }
        catch (Exception)
        {
            // Closing a broken transport may fail; it is closed as far as we can close it.
        }
    }
}
