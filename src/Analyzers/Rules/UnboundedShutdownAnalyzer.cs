using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using TlsShutdown.Analyzers.Analysis;

namespace TlsShutdown.Analyzers.Rules;

/// <summary>
/// TLS003: an SslStream.ShutdownAsync awaited or blocked on with no time limit (it takes no token and never
/// completes while a dead peer leaves the send buffer full).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UnboundedShutdownAnalyzer : TlsAnalyzerBase
{
    private protected override DiagnosticDescriptor Rule => Descriptors.Tls003UnboundedShutdown;

    private protected override void Decide(Site site, SiteReporter reporter)
    {
        if (site.Kind == SiteKind.Shutdown && site.ReceiverKind == TlsKind.SslStream
            && site.Tasks.Classify(site.Invocation) is TaskUseKind.Awaited or TaskUseKind.Blocked)
        {
            reporter.AtCall(site);
        }
    }
}
