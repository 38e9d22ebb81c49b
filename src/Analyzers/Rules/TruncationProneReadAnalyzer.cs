using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace TlsShutdown.Analyzers.Rules;

/// <summary>TLS007: reading an SslStream until its end (ReadToEnd, CopyTo), which a truncation looks the same as.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class TruncationProneReadAnalyzer : TlsAnalyzerBase
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.Tls007TruncationProneRead);
}
