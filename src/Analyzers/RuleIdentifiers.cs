namespace TlsShutdown.Analyzers;

/// <summary>The rule IDs, in one place. They are fixed by the design and never reused.</summary>
public static class RuleIdentifiers
{
    /// <summary>TLS connection closed without a TLS shutdown.</summary>
    public const string CloseWithoutShutdown = "TLS001";

    /// <summary>Waiting for the peer's close_notify without a time limit.</summary>
    public const string UnboundedPeerCloseWait = "TLS002";

    /// <summary>TLS shutdown without a time limit.</summary>
    public const string UnboundedShutdown = "TLS003";

    /// <summary>TLS shutdown not awaited before the close.</summary>
    public const string ShutdownNotAwaited = "TLS004";

    /// <summary>TLS handshake or renegotiation without a time limit.</summary>
    public const string UnboundedHandshake = "TLS005";

    /// <summary>Write after TLS shutdown.</summary>
    public const string WriteAfterShutdown = "TLS006";

    /// <summary>Message end taken from the end of a TLS stream (truncation-prone).</summary>
    public const string TruncationProneRead = "TLS007";

    /// <summary>BouncyCastle transport closed before its TLS protocol.</summary>
    public const string BouncyCastleTransportClosedFirst = "TLS008";

    /// <summary>Where every rule's documentation lives; the help links are built from it.</summary>
    public const string HelpLinkBase = "https://github.com/tlsshutdown/tlsshutdown/blob/main/docs/rules/";

    /// <summary>The documentation page of a rule.</summary>
    public static string GetHelpLink(string id) => HelpLinkBase + id + ".md";
}
