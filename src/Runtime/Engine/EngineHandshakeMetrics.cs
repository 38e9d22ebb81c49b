using TlsShutdown.Handshakes;

namespace TlsShutdown.Engine;

/// <summary>
/// Records every TlsEngineStream handshake, whether or not it runs through <see cref="TlsHandshake"/> (which
/// then leaves the recording to the stream, so that each handshake is counted once).
/// </summary>
internal static class EngineHandshakeMetrics
{
    /// <summary>Awaits <paramref name="handshake"/> and ends <paramref name="recording"/> with how it ended.</summary>
    /// <param name="stream">The stream, for the negotiated parameters.</param>
    /// <param name="recording">Started before the handshake.</param>
    /// <param name="handshake">The handshake in progress.</param>
    /// <param name="validator">Says whether our side refused the peer's certificate.</param>
    /// <param name="deadline">The time limit when the handshake runs through <see cref="TlsHandshake"/>: a failure
    /// after it passed is a timeout.</param>
    public static async Task RecordAsync(
        TlsEngineStream stream,
        HandshakeRecording recording,
        Task handshake,
        EngineCertificateValidator validator,
        HandshakeDeadline? deadline)
    {
        try
        {
            await handshake.ConfigureAwait(false);
        }
        catch (Exception error)
        {
            recording.Failed(deadline?.TimedOut == true
                ? TlsShutdownMetrics.TimeoutErrorType
                : HandshakeErrors.Classify(error, certificateRefused: validator.FailureReason is not null));
            throw;
        }

        recording.Succeeded(stream.SslProtocol, stream.IsResumedSession);
    }
}
