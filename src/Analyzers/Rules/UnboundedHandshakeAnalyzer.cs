using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace TlsShutdown.Analyzers.Rules;

/// <summary>TLS005: a handshake or renegotiation with no token that can fire, or a synchronous one with no read timeout.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UnboundedHandshakeAnalyzer : TlsAnalyzerBase
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.Tls005UnboundedHandshake);
}
