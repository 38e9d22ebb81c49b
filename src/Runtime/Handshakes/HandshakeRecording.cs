using System.Diagnostics;
using System.Security.Authentication;

namespace TlsShutdown.Handshakes;

/// <summary>
/// One handshake in the meter: counted as active from <see cref="Start"/> until <see cref="Succeeded"/> or
/// <see cref="Failed"/>, which records its duration. Exactly one of the two ends it; later calls do nothing.
/// </summary>
internal sealed class HandshakeRecording
{
    private readonly string _streamType;
    private readonly string _role;
    private readonly long _started;
    private readonly bool _counted;
    private int _ended;

    private HandshakeRecording(string streamType, string role)
    {
        _streamType = streamType;
        _role = role;
        _started = Stopwatch.GetTimestamp();
        _counted = TlsShutdownInstruments.HandshakesActive.Enabled;
        if (_counted)
        {
            TlsShutdownInstruments.HandshakesActive.Add(1, ActiveTags());
        }
    }

    /// <summary>Counts a handshake as active from now.</summary>
    /// <param name="streamType"><c>SslStream</c> or <c>TlsEngineStream</c>.</param>
    /// <param name="isServer">Whether our side is the server.</param>
    public static HandshakeRecording Start(string streamType, bool isServer) =>
        new(streamType, isServer ? TlsShutdownMetrics.ServerTagValue : TlsShutdownMetrics.ClientTagValue);

    /// <summary>Ends the recording of a handshake that completed.</summary>
    /// <param name="protocol">The negotiated version.</param>
    /// <param name="resumed">Whether an earlier session was resumed; null where the stream cannot tell (SslStream).</param>
    public void Succeeded(SslProtocols protocol, bool? resumed)
    {
        if (!End())
        {
            return;
        }

        TagList tags = ActiveTags();
        tags.Add(TlsShutdownMetrics.ProtocolVersionTag, VersionTagValue(protocol));
        if (resumed is bool value)
        {
            tags.Add(TlsShutdownMetrics.ResumedTag, value);
        }

        RecordDuration(tags);
    }

    /// <summary>Ends the recording of a handshake that failed.</summary>
    /// <param name="errorType">The <see cref="TlsShutdownMetrics.ErrorTypeTag"/> value (see <see cref="HandshakeErrors"/>).</param>
    public void Failed(string errorType)
    {
        if (!End())
        {
            return;
        }

        TagList tags = ActiveTags();
        tags.Add(TlsShutdownMetrics.ErrorTypeTag, errorType);
        RecordDuration(tags);
    }

    /// <summary>"1.2" or "1.3", as OpenTelemetry's <c>tls.protocol.version</c> writes them.</summary>
    internal static string VersionTagValue(SslProtocols protocol) => protocol switch
    {
        SslProtocols.Tls13 => "1.3",
        SslProtocols.Tls12 => "1.2",
        _ => protocol.ToString(), // an older version, should an application enable one

    };

    private bool End()
    {
        if (Interlocked.Exchange(ref _ended, 1) != 0)
        {
            return false;
        }

        if (_counted)
        {
            TlsShutdownInstruments.HandshakesActive.Add(-1, ActiveTags());
        }

        return true;
    }

    private void RecordDuration(in TagList tags)
    {
        if (TlsShutdownInstruments.HandshakeDuration.Enabled)
        {
            TlsShutdownInstruments.HandshakeDuration.Record(Stopwatch.GetElapsedTime(_started).TotalSeconds, tags);
        }
    }

    private TagList ActiveTags() => new()
    {
        { TlsShutdownMetrics.StreamTypeTag, _streamType },
        { TlsShutdownMetrics.RoleTag, _role },
    };
}
