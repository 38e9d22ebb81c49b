namespace CloseProbe;

/// <summary>The TlsEngineStream close: added once TlsEngineStream ships in the runtime.</summary>
internal static class TlsEngineCase
{
    public static bool IsAvailable => false;

    public static Task<ProbeRow> RunAsync(ProbeCase probe, ProbeTarget target, Stream transport, CancellationToken handshakeToken) =>
        throw new NotSupportedException("TlsEngineStream is not available in this build.");
}
