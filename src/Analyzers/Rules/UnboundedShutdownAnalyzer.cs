using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace TlsShutdown.Analyzers.Rules;

/// <summary>TLS003: a ShutdownAsync awaited or blocked on with no time limit.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UnboundedShutdownAnalyzer : TlsAnalyzerBase
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.Tls003UnboundedShutdown);
}
