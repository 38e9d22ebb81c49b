using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace TlsShutdown.Analyzers.Analysis;

/// <summary>What a call does to a TLS connection, as far as the rules care.</summary>
internal enum SiteKind
{
    /// <summary>Dispose/DisposeAsync/Close of the stream, an owner or the transport; Socket.Shutdown/Disconnect.</summary>
    Close,

    /// <summary>AuthenticateAs…, NegotiateClientCertificateAsync on an SslStream or TlsEngineStream.</summary>
    Handshake,

    /// <summary>SslStream.ShutdownAsync.</summary>
    Shutdown,

    /// <summary>A read of the stream or of a wrapper that owns it.</summary>
    Read,

    /// <summary>A write of the stream, or a write or flush of a wrapper that owns it.</summary>
    Write,

    /// <summary>CopyTo/CopyToAsync of the stream, ReadToEnd/ReadToEndAsync of a wrapper that owns it.</summary>
    ReadToEnd,
}

/// <summary>
/// One call the shared flow pass met on a TLS connection, with the connection's state just before it.
/// The pass records sites; each rule (Rules/) reads them and decides whether one is a finding.
/// </summary>
internal sealed class Site
{
    public Site(SiteKind kind, IInvocationOperation invocation, TlsKind receiverKind, Connection? connection, Role role, ushort may, ushort must, TaskUse tasks, TlsTypes types)
    {
        Kind = kind;
        Invocation = invocation;
        ReceiverKind = receiverKind;
        Connection = connection;
        Role = role;
        May = may;
        Must = must;
        Tasks = tasks;
        Types = types;
    }

    public SiteKind Kind { get; }

    public IInvocationOperation Invocation { get; }

    /// <summary>The TLS kind of the receiver's static type (None when it is typed Stream, a wrapper or a transport).</summary>
    public TlsKind ReceiverKind { get; }

    /// <summary>The tracked connection, or null when the receiver is TLS-typed but not followed (another object's member).</summary>
    public Connection? Connection { get; }

    /// <summary>How the receiver relates to the connection.</summary>
    public Role Role { get; }

    /// <summary>The connection's <see cref="FlowState"/> flags on some path reaching the call.</summary>
    public ushort May { get; }

    /// <summary>The connection's <see cref="FlowState"/> flags on every path reaching the call.</summary>
    public ushort Must { get; }

    /// <summary>What the code does with the tasks of the method holding the call.</summary>
    public TaskUse Tasks { get; }

    public TlsTypes Types { get; }

    public string MethodName => Invocation.TargetMethod.Name;

    public bool IsAsync => MethodName.EndsWith("Async", System.StringComparison.Ordinal);

    /// <summary>A Begin/End (APM) handshake: <c>BeginAuthenticateAs…</c>, or <c>FromAsync</c> over it.</summary>
    public bool IsApm => ApmHandshake.IsBegin(MethodName) || MethodName == "FromAsync";

    public bool MayHave(ushort flags) => (May & flags) != 0;

    public bool MustHave(ushort flags) => (Must & flags) == flags;

    /// <summary>
    /// Some normal path reaches the call with the connection live (authenticated, not shut down, closed, given
    /// away, aborted or failed on that path), and nothing about the connection as a whole excuses it: the
    /// method owns it alone, the class does not shut it down elsewhere, its type does not close gracefully
    /// itself, no abortive close is configured for it. A transport handed on with its TLS stream is not ours.
    /// </summary>
    public bool ReachedLive =>
        Connection is { Captured: false, ClassShutsDown: false, SelfClosing: false, AbortiveIntent: false }
        && MayHave(FlowState.Pending)
        && (Role != Role.Transport || !MayHave(FlowState.PassedOn));

    /// <summary>
    /// An explicit close that ends a live connection on a normal path, which no path reaching it shut down,
    /// closed, gave away or aborted: a shutdown on one path only is a deliberate choice the code made.
    /// </summary>
    public bool EndsLiveConnectionWithoutShutdown =>
        ReachedLive && !MayHave(FlowState.Shutdown | FlowState.Graceful | FlowState.Closed | FlowState.Escaped | FlowState.Abortive);
}
