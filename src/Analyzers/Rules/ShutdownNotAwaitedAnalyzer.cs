using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace TlsShutdown.Analyzers.Rules;

/// <summary>TLS004: a ShutdownAsync whose task is dropped.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ShutdownNotAwaitedAnalyzer : TlsAnalyzerBase
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.Tls004ShutdownNotAwaited);
}
