using System.Security.Authentication;

namespace CloseProbe;

/// <summary>How a peer behaves when we close: one kind for each behaviour real servers show.</summary>
internal enum PeerBehavior
{
    /// <summary>Answers our close_notify with its own, then closes TCP (OpenSSL, Go, Java with care).</summary>
    AnswersCloseNotify,

    /// <summary>Closes TCP on our close_notify without sending its own (most servers).</summary>
    ClosesTcpOnly,

    /// <summary>Reads our close_notify and then does nothing: no alert, no FIN (a hung or careless peer).</summary>
    NeverAnswers,

    /// <summary>Stops reading altogether, so our send buffer fills up (a dead or overloaded peer).</summary>
    StopsReading,

    /// <summary>Keeps streaming data after our close_notify (legal in TLS 1.3's half-close).</summary>
    KeepsSending,

    /// <summary>Answers our close_notify with a TCP reset (some proxies and load balancers).</summary>
    Resets,
}

/// <summary>The ways an application ends a TLS connection.</summary>
internal enum CloseMethod
{
    /// <summary><c>sslStream.Dispose()</c> and nothing else: what <c>using</c> does.</summary>
    Dispose,

    /// <summary><c>await sslStream.ShutdownAsync(); sslStream.Dispose();</c></summary>
    ShutdownThenDispose,

    /// <summary><c>GracefulTlsClose.CloseAsync(sslStream)</c>, SslStream directly over the NetworkStream.</summary>
    Graceful,

    /// <summary><c>GracefulTlsClose.CloseAsync(sslStream)</c> with an <c>EofTrackingStream</c> under the SslStream.</summary>
    GracefulEofTracking,

    /// <summary><c>GracefulTlsClose.CloseAsync(tlsEngineStream)</c>.</summary>
    GracefulTlsEngine,
}

/// <summary>What the peer received when we closed.</summary>
internal enum PeerSaw
{
    /// <summary>Our close_notify: it knows the data ended where we meant it to.</summary>
    CloseNotify,

    /// <summary>A TCP FIN with no close_notify before it: indistinguishable from a truncation attack.</summary>
    FinWithoutCloseNotify,

    /// <summary>A TCP reset.</summary>
    Reset,

    /// <summary>Nothing yet when the probe stopped watching: the connection was still open.</summary>
    Nothing,

    /// <summary>Not observable: a real server (<c>--connect</c>).</summary>
    Unknown,
}

/// <summary>One probe: one peer, one close method, one TLS version.</summary>
internal sealed record ProbeCase(int Id, PeerBehavior Peer, CloseMethod Method, SslProtocols Tls);

/// <summary>The result of one probe, as printed and as serialized by <c>--json</c>.</summary>
internal sealed record ProbeRow
{
    public required string Tls { get; init; }

    public required string Peer { get; init; }

    public required string Close { get; init; }

    /// <summary>The <c>TlsCloseOutcome</c> name for GracefulTlsClose; null for closes that report nothing.</summary>
    public string? Outcome { get; init; }

    /// <summary>The close did not finish within the probe's patience and was abandoned (the socket was closed).</summary>
    public bool Hung { get; init; }

    public double ElapsedMs { get; init; }

    /// <summary>Bytes of application data dropped after our close_notify; null where the close does not say.</summary>
    public long? DiscardedBytes { get; init; }

    /// <summary>Whether our close_notify was handed to the transport; null where the close does not say.</summary>
    public bool? CloseNotifySent { get; init; }

    /// <summary>Whether the peer's close_notify was received; null where the close does not say or cannot tell.</summary>
    public bool? PeerCloseNotifyReceived { get; init; }

    public required string PeerSaw { get; init; }

    /// <summary>An exception the close threw (for the plain SslStream closes), or the one GracefulTlsClose reported.</summary>
    public string? Error { get; init; }
}

/// <summary>Display names and stable machine names.</summary>
internal static class Names
{
    public static string Display(PeerBehavior peer) => peer switch
    {
        PeerBehavior.AnswersCloseNotify => "answers close_notify",
        PeerBehavior.ClosesTcpOnly => "closes TCP only",
        PeerBehavior.NeverAnswers => "never answers",
        PeerBehavior.StopsReading => "stops reading",
        PeerBehavior.KeepsSending => "keeps sending",
        PeerBehavior.Resets => "resets",
        _ => peer.ToString(),
    };

    public static string Key(PeerBehavior peer) => peer switch
    {
        PeerBehavior.AnswersCloseNotify => "answers-close-notify",
        PeerBehavior.ClosesTcpOnly => "closes-tcp-only",
        PeerBehavior.NeverAnswers => "never-answers",
        PeerBehavior.StopsReading => "stops-reading",
        PeerBehavior.KeepsSending => "keeps-sending",
        PeerBehavior.Resets => "resets",
        _ => peer.ToString(),
    };

    public static string Display(CloseMethod method) => method switch
    {
        CloseMethod.Dispose => "Dispose()",
        CloseMethod.ShutdownThenDispose => "ShutdownAsync(); Dispose()",
        CloseMethod.Graceful => "GracefulTlsClose(SslStream)",
        CloseMethod.GracefulEofTracking => "GracefulTlsClose(SslStream+EofTracking)",
        CloseMethod.GracefulTlsEngine => "GracefulTlsClose(TlsEngineStream)",
        _ => method.ToString(),
    };

    public static string Key(CloseMethod method) => method switch
    {
        CloseMethod.Dispose => "dispose",
        CloseMethod.ShutdownThenDispose => "shutdown-then-dispose",
        CloseMethod.Graceful => "graceful",
        CloseMethod.GracefulEofTracking => "graceful-eof-tracking",
        CloseMethod.GracefulTlsEngine => "graceful-tls-engine",
        _ => method.ToString(),
    };

    public static string Display(PeerSaw saw) => saw switch
    {
        PeerSaw.CloseNotify => "close_notify",
        PeerSaw.FinWithoutCloseNotify => "FIN, no close_notify",
        PeerSaw.Reset => "reset",
        PeerSaw.Nothing => "nothing (still open)",
        PeerSaw.Unknown => "?",
        _ => saw.ToString(),
    };

    public static string Key(PeerSaw saw) => saw switch
    {
        PeerSaw.CloseNotify => "close_notify",
        PeerSaw.FinWithoutCloseNotify => "fin",
        PeerSaw.Reset => "reset",
        PeerSaw.Nothing => "nothing",
        PeerSaw.Unknown => "unknown",
        _ => saw.ToString(),
    };

    public static string Display(SslProtocols tls) => tls switch
    {
        SslProtocols.Tls12 => "1.2",
        SslProtocols.Tls13 => "1.3",
        _ => tls.ToString(),
    };
}
