using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using TlsShutdown.Analyzers.Analysis;

namespace TlsShutdown.Analyzers.Rules;

/// <summary>
/// TLS001: the first close on a normal path that ends a TLS connection which was never shut down. Decided
/// here from the close sites of the shared pass: a close of an SslStream or TlsEngineStream connection (the
/// stream, an alias, a wrapper that owns it, the transport beneath it) that ends it while it is live and not
/// shut down. BouncyCastle's transports are TLS008's.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class TlsCloseWithoutShutdownAnalyzer : TlsAnalyzerBase
{
    private protected override DiagnosticDescriptor Rule => Descriptors.Tls001CloseWithoutShutdown;

    private protected override void Decide(Site site, SiteReporter reporter)
    {
        if (site.Kind != SiteKind.Close || site.Connection is not { } connection || connection.Kind == TlsKind.BouncyCastle) return;
        var invocation = site.Invocation;
        var usingLocation = invocation.IsImplicit ? CloseSyntax.UsingLocation(invocation.Syntax) : null;

        // A using disposes on every path that leaves it: one normal path that reaches it live (an early return
        // before the graceful close, a branch without it) is a close without shutdown. An explicit close is
        // reported when no path reaching it shut the connection down (a shutdown on one path is a choice).
        if (!(usingLocation is null ? site.EndsLiveConnectionWithoutShutdown : site.ReachedLive)) return;
        var location = usingLocation ?? CloseSyntax.ExplicitLocation(invocation.Syntax);

        // What the code fix needs: which stream to pass to GracefulTlsClose, and whether it must be cast.
        var properties = ImmutableDictionary.CreateBuilder<string, string?>();
        properties[FindingProperties.Using] = usingLocation is null ? "false" : "true";
        properties[FindingProperties.Kind] = connection.Kind.ToString();
        if (connection.StreamSymbol is { } symbol)
        {
            properties[FindingProperties.Stream] = symbol.Name;
            if (!site.Types.IsTls(TlsTypes.TypeOf(symbol))) properties[FindingProperties.CastTo] = connection.Kind.ToString();
        }

        reporter.Report(location, properties.ToImmutable(), usingLocation is null ? CloseSyntax.Describe(invocation) : "using");
    }
}
