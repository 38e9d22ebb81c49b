using Microsoft.CodeAnalysis;

namespace TlsShutdown.Analyzers;

public static partial class Descriptors
{
    /// <summary>TLS001.</summary>
    public static readonly DiagnosticDescriptor Tls001CloseWithoutShutdown = new DiagnosticDescriptor(
        RuleIdentifiers.CloseWithoutShutdown,
        "TLS connection closed without a TLS shutdown",
        "'{0}' ends the TLS connection without sending close_notify; call GracefulTlsClose.CloseAsync (or a bounded ShutdownAsync) first",
        Category,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        "Disposing or closing a TLS stream, or the socket under it, sends no close_notify: the peer cannot tell the end of the data from a truncation attack.",
        RuleIdentifiers.GetHelpLink(RuleIdentifiers.CloseWithoutShutdown));

    /// <summary>TLS002.</summary>
    public static readonly DiagnosticDescriptor Tls002UnboundedPeerCloseWait = new DiagnosticDescriptor(
        RuleIdentifiers.UnboundedPeerCloseWait,
        "Waiting for the peer's close_notify without a time limit",
        "This read waits for the peer's close_notify with no time limit; many peers never send it",
        Category,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        "After ShutdownAsync, reading until the peer answers with its close_notify can block forever: many servers just close TCP, some never answer at all.",
        RuleIdentifiers.GetHelpLink(RuleIdentifiers.UnboundedPeerCloseWait));

    /// <summary>TLS003.</summary>
    public static readonly DiagnosticDescriptor Tls003UnboundedShutdown = new DiagnosticDescriptor(
        RuleIdentifiers.UnboundedShutdown,
        "TLS shutdown without a time limit",
        "ShutdownAsync() has no timeout and never completes while the peer does not read; bound it",
        Category,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        "SslStream.ShutdownAsync takes no CancellationToken: with a dead peer whose receive window is full it never completes until the socket is closed.",
        RuleIdentifiers.GetHelpLink(RuleIdentifiers.UnboundedShutdown));

    /// <summary>TLS004.</summary>
    public static readonly DiagnosticDescriptor Tls004ShutdownNotAwaited = new DiagnosticDescriptor(
        RuleIdentifiers.ShutdownNotAwaited,
        "TLS shutdown not awaited before the close",
        "The task returned by ShutdownAsync() is dropped; the connection may be closed before close_notify is sent",
        Category,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        "A ShutdownAsync whose task is dropped races the close that follows: the close_notify is often never written, and its failures are never observed.",
        RuleIdentifiers.GetHelpLink(RuleIdentifiers.ShutdownNotAwaited));

    /// <summary>TLS005.</summary>
    public static readonly DiagnosticDescriptor Tls005UnboundedHandshake = new DiagnosticDescriptor(
        RuleIdentifiers.UnboundedHandshake,
        "TLS handshake or renegotiation without a time limit",
        "'{0}' has no time limit; a peer that stops answering holds this connection forever",
        Category,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        "A TLS handshake waits for the peer at every flight. Without a cancellation token that fires (or a read timeout for the synchronous methods) a silent peer blocks it forever.",
        RuleIdentifiers.GetHelpLink(RuleIdentifiers.UnboundedHandshake));

    /// <summary>TLS006.</summary>
    public static readonly DiagnosticDescriptor Tls006WriteAfterShutdown = new DiagnosticDescriptor(
        RuleIdentifiers.WriteAfterShutdown,
        "Write after TLS shutdown",
        "'{0}' writes to a TLS stream after ShutdownAsync(); it throws InvalidOperationException",
        Category,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        "After our close_notify the sending direction of the TLS connection is closed: SslStream throws on any further write.",
        RuleIdentifiers.GetHelpLink(RuleIdentifiers.WriteAfterShutdown));

    /// <summary>TLS007.</summary>
    public static readonly DiagnosticDescriptor Tls007TruncationProneRead = new DiagnosticDescriptor(
        RuleIdentifiers.TruncationProneRead,
        "Message end taken from the end of a TLS stream (truncation-prone)",
        "'{0}' treats the end of the SslStream as the end of the message; SslStream reports a truncated connection the same way",
        Category,
        DiagnosticSeverity.Info,
        isEnabledByDefault: true,
        "SslStream returns 0 both for the peer's close_notify and for a bare TCP FIN, so reading until the end cannot detect a truncation attack. Delimit messages by length, or use TlsEngineStream or EofTrackingStream.",
        RuleIdentifiers.GetHelpLink(RuleIdentifiers.TruncationProneRead));

    /// <summary>TLS008.</summary>
    public static readonly DiagnosticDescriptor Tls008BouncyCastleTransportClosedFirst = new DiagnosticDescriptor(
        RuleIdentifiers.BouncyCastleTransportClosedFirst,
        "BouncyCastle transport closed before its TLS protocol",
        "'{0}' closes the transport under an open BouncyCastle TLS protocol; call the protocol's Close() first so it sends close_notify",
        Category,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        "TlsProtocol.Close() sends close_notify; closing the stream beneath it first loses it and leaves the peer unable to tell a clean end from a truncation.",
        RuleIdentifiers.GetHelpLink(RuleIdentifiers.BouncyCastleTransportClosedFirst));
}
