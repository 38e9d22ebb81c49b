using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace TlsShutdown.Analyzers.Rules;

/// <summary>TLS002: after ShutdownAsync, a read that waits for the peer's close_notify with no time limit.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UnboundedPeerCloseWaitAnalyzer : TlsAnalyzerBase
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.Tls002UnboundedPeerCloseWait);
}
