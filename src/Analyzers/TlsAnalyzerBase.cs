using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using TlsShutdown.Analyzers.Analysis;

namespace TlsShutdown.Analyzers;

/// <summary>
/// Registration shared by the rule analyzers. Each rule is its own analyzer (one per file under Rules/):
/// the shared pass (<see cref="SharedAnalysis"/>, <see cref="TypeAnalysis"/>, <see cref="ConnectionFlow"/>)
/// runs once per type however many rules are enabled and records the calls it met on TLS connections with
/// their states (<see cref="Site"/>); each rule reads them and decides. Nothing is registered when the
/// compilation has no TLS stream type.
/// </summary>
public abstract class TlsAnalyzerBase : DiagnosticAnalyzer
{
    /// <summary>The rule this analyzer reports.</summary>
    private protected abstract DiagnosticDescriptor Rule { get; }

    /// <inheritdoc />
    public sealed override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

    /// <summary>Decides whether a site is a finding of this rule, and reports it.</summary>
    private protected abstract void Decide(Site site, SiteReporter reporter);

    /// <inheritdoc />
    public sealed override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(OnCompilationStart);
    }

    private void OnCompilationStart(CompilationStartAnalysisContext context)
    {
        var shared = SharedAnalysis.For(context.Compilation, context.Options.AnalyzerConfigOptionsProvider);
        if (shared.Types is null) return;

        context.RegisterSymbolStartAction(
            symbolContext =>
            {
                var type = (INamedTypeSymbol)symbolContext.Symbol;
                if (shared.Options.IsExcluded(Rule.Id, type)) return;
                var collector = new BlockCollector(type, shared);
                symbolContext.RegisterOperationBlockAction(collector.OnOperationBlock);
                symbolContext.RegisterSymbolEndAction(endContext =>
                {
                    var blocks = collector.Blocks;
                    if (blocks.Count == 0) return;
                    var reporter = new SiteReporter(Rule, endContext.ReportDiagnostic);
                    foreach (var site in shared.GetSites(type, blocks, endContext.CancellationToken))
                    {
                        Guard.Run(() => { Decide(site, reporter); return true; }, false);
                    }
                });
            },
            SymbolKind.NamedType);
    }
}
