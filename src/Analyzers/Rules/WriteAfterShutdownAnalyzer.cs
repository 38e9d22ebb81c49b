using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using TlsShutdown.Analyzers.Analysis;

namespace TlsShutdown.Analyzers.Rules;

/// <summary>TLS006: a write on a TLS stream that every path reaching it has shut down (and none has closed).</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class WriteAfterShutdownAnalyzer : TlsAnalyzerBase
{
    private protected override DiagnosticDescriptor Rule => Descriptors.Tls006WriteAfterShutdown;

    private protected override void Decide(Site site, SiteReporter reporter)
    {
        if (site.Kind == SiteKind.Write && site.Connection is not null
            && site.MustHave(FlowState.Shutdown) && !site.MayHave(FlowState.Graceful | FlowState.Closed))
        {
            reporter.AtCall(site);
        }
    }
}
