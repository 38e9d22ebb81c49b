using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using TlsShutdown.Analyzers.Analysis;

namespace TlsShutdown.Analyzers.Rules;

/// <summary>
/// TLS005: a handshake or renegotiation with no token that can fire and no other bound on its task (awaited
/// directly, through ConfigureAwait or an extension of the compilation that only configures awaiting); an APM
/// handshake (BeginAuthenticateAs…, FromAsync over it) whose task nothing bounds; or a
/// synchronous SslStream handshake, on a stream created here or held in a field, with no read timeout on
/// the stream or its transport.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UnboundedHandshakeAnalyzer : TlsAnalyzerBase
{
    private protected override DiagnosticDescriptor Rule => Descriptors.Tls005UnboundedHandshake;

    private protected override void Decide(Site site, SiteReporter reporter)
    {
        if (site.Kind != SiteKind.Handshake) return;
        if (site.IsApm)
        {
            // No token exists in the APM pattern: only a bound on the task FromAsync returns limits it.
            if (site.Tasks.Classify(site.Invocation) != TaskUseKind.Bounded) reporter.AtCall(site);
        }
        else if (site.IsAsync)
        {
            if (!site.Tasks.IsRealToken(site.Tasks.TokenArgument(site.Invocation))
                && site.Tasks.Classify(site.Invocation) is TaskUseKind.Awaited or TaskUseKind.Blocked or TaskUseKind.Dropped or TaskUseKind.Continued)
            {
                reporter.AtCall(site);
            }
        }
        else if (site.Connection is { Kind: TlsKind.SslStream, Origin: Origin.Created or Origin.Field, HasReadTimeout: false })
        {
            reporter.AtCall(site);
        }
    }
}
