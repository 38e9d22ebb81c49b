using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using TlsShutdown.Analyzers.Analysis;

namespace TlsShutdown.Analyzers.Rules;

/// <summary>
/// TLS002: after ShutdownAsync (on some path, before any close), a read that waits for the peer's
/// close_notify with no time limit: no token that can fires and no bound on its task, or, for a
/// synchronous read, no read timeout on the stream or its transport.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UnboundedPeerCloseWaitAnalyzer : TlsAnalyzerBase
{
    private protected override DiagnosticDescriptor Rule => Descriptors.Tls002UnboundedPeerCloseWait;

    private protected override void Decide(Site site, SiteReporter reporter)
    {
        if (site.Kind != SiteKind.Read || site.Connection is not { } connection) return;
        if (!site.MayHave(FlowState.Shutdown) || site.MayHave(FlowState.Graceful | FlowState.Closed)) return;
        bool bounded = site.IsAsync
            ? site.Tasks.IsRealToken(site.Tasks.TokenArgument(site.Invocation)) || site.Tasks.Classify(site.Invocation) is TaskUseKind.Bounded or TaskUseKind.Unknown
            : connection.HasReadTimeout;
        if (!bounded) reporter.AtCall(site);
    }
}
