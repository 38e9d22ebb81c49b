using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using TlsShutdown.Analyzers.Analysis;

namespace TlsShutdown.Analyzers.Rules;

/// <summary>
/// TLS007: reading an SslStream until its end (CopyTo, or ReadToEnd of a reader that owns it): SslStream
/// reports a truncation (a bare FIN) as the same end, so the message may be cut short unnoticed.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class TruncationProneReadAnalyzer : TlsAnalyzerBase
{
    private protected override DiagnosticDescriptor Rule => Descriptors.Tls007TruncationProneRead;

    private protected override void Decide(Site site, SiteReporter reporter)
    {
        if (site.Kind == SiteKind.ReadToEnd && site.Connection is { Kind: TlsKind.SslStream }) reporter.AtCall(site);
    }
}
