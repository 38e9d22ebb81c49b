using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace TlsShutdown.Analyzers.Rules;

/// <summary>TLS006: a write on a TLS stream already shut down on every path.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class WriteAfterShutdownAnalyzer : TlsAnalyzerBase
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.Tls006WriteAfterShutdown);
}
