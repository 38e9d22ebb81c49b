using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace TlsShutdown.Analyzers.Rules;

/// <summary>TLS001: the first close on a normal path that ends a TLS connection which was never shut down.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class TlsCloseWithoutShutdownAnalyzer : TlsAnalyzerBase
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.Tls001CloseWithoutShutdown);
}
