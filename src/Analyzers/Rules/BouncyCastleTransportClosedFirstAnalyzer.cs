using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using TlsShutdown.Analyzers.Analysis;

namespace TlsShutdown.Analyzers.Rules;

/// <summary>
/// TLS008: closing the transport beneath an open BouncyCastle TLS protocol. The protocol's own Close sends
/// close_notify (the shared pass counts it as graceful); a close of the transport while the protocol is
/// live and not closed, on a normal path, is the finding.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class BouncyCastleTransportClosedFirstAnalyzer : TlsAnalyzerBase
{
    private protected override DiagnosticDescriptor Rule => Descriptors.Tls008BouncyCastleTransportClosedFirst;

    private protected override void Decide(Site site, SiteReporter reporter)
    {
        if (site.Kind == SiteKind.Close && site.Connection is { Kind: TlsKind.BouncyCastle } && site.EndsLiveConnectionWithoutShutdown)
        {
            reporter.Report(CloseSyntax.ExplicitLocation(site.Invocation.Syntax), ImmutableDictionary<string, string?>.Empty, CloseSyntax.Describe(site.Invocation));
        }
    }
}
