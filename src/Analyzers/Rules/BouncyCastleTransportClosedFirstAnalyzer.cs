using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace TlsShutdown.Analyzers.Rules;

/// <summary>TLS008: closing the transport beneath an open BouncyCastle TLS protocol.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class BouncyCastleTransportClosedFirstAnalyzer : TlsAnalyzerBase
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.Tls008BouncyCastleTransportClosedFirst);
}
