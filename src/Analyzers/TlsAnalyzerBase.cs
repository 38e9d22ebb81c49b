using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using TlsShutdown.Analyzers.Analysis;

namespace TlsShutdown.Analyzers;

/// <summary>
/// Registration shared by the rule analyzers. Each rule is its own analyzer (one per file under
/// Rules/) so it can be configured and tested alone, but the analysis of a type runs once per
/// compilation for all of them (<see cref="SharedAnalysis"/>). Nothing is registered when the
/// compilation has no TLS stream type.
/// </summary>
public abstract class TlsAnalyzerBase : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public sealed override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(OnCompilationStart);
    }

    private void OnCompilationStart(CompilationStartAnalysisContext context)
    {
        var shared = SharedAnalysis.For(context.Compilation);
        if (shared.Types is null) return;

        var rule = SupportedDiagnostics[0];
        context.RegisterSymbolStartAction(
            symbolContext =>
            {
                var type = (INamedTypeSymbol)symbolContext.Symbol;
                var collector = new BlockCollector(type, shared);
                symbolContext.RegisterOperationBlockAction(collector.OnOperationBlock);
                symbolContext.RegisterSymbolEndAction(endContext =>
                {
                    var blocks = collector.Blocks;
                    if (blocks.Count == 0) return;
                    foreach (var finding in shared.GetFindings(type, blocks, endContext.CancellationToken).Where(f => f.Descriptor.Id == rule.Id))
                    {
                        endContext.ReportDiagnostic(finding.ToDiagnostic());
                    }
                });
            },
            SymbolKind.NamedType);
    }
}
