using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using TlsShutdown.Analyzers.Analysis;

namespace TlsShutdown.Analyzers.Rules;

/// <summary>TLS004: an SslStream.ShutdownAsync whose task is dropped: the close that follows races the close_notify.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ShutdownNotAwaitedAnalyzer : TlsAnalyzerBase
{
    private protected override DiagnosticDescriptor Rule => Descriptors.Tls004ShutdownNotAwaited;

    private protected override void Decide(Site site, SiteReporter reporter)
    {
        if (site.Kind == SiteKind.Shutdown && site.ReceiverKind == TlsKind.SslStream && site.Tasks.Classify(site.Invocation) == TaskUseKind.Dropped)
        {
            reporter.AtCall(site);
        }
    }
}
