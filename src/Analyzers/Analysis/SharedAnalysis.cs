using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using TlsShutdown.Analyzers.Configuration;

namespace TlsShutdown.Analyzers.Analysis;

/// <summary>
/// State shared by the per-rule analyzers within one compilation, so the analysis of a type runs once
/// however many of the rules are enabled.
/// </summary>
internal sealed class SharedAnalysis
{
    private static readonly ConditionalWeakTable<Compilation, SharedAnalysis> ByCompilation = new();
    private static readonly SharedAnalysis None = new(null, null);

    private readonly ConcurrentDictionary<INamedTypeSymbol, Lazy<IReadOnlyList<Site>>> _types = new(SymbolEqualityComparer.Default);

    // The eight rule analyzers see the same operation trees (the driver caches them per semantic model):
    // walk each block once. The sentinel stands for "nothing to analyze here".
    private static readonly CollectedBlock Nothing = new(null!, null, false, Array.Empty<ISymbol>());
    private readonly ConditionalWeakTable<IOperation, CollectedBlock> _blocks = new();

    private SharedAnalysis(TlsTypes? types, MethodSummaries? summaries)
    {
        Types = types;
        Summaries = summaries;
    }

    public CollectedBlock? GetOrCollect(IOperation block, Func<IOperation, CollectedBlock?> collect)
    {
        var collected = _blocks.GetValue(block, b => collect(b) ?? Nothing);
        return ReferenceEquals(collected, Nothing) ? null : collected;
    }

    public TlsTypes? Types { get; }

    private readonly ConcurrentDictionary<ITypeSymbol, bool> _returnsStream = new(SymbolEqualityComparer.Default);

    /// <summary>A Stream (not TLS-typed), or a task of one: what a helper that may return a TLS stream returns. Cached: asked for every call.</summary>
    public bool ReturnsStream(ITypeSymbol? type) =>
        type is INamedTypeSymbol { TypeKind: TypeKind.Class or TypeKind.Struct } named && _returnsStream.GetOrAdd(named, t =>
        {
            var n = (INamedTypeSymbol)t;
            return TlsTypes.DerivesFrom(n, Types!.Stream)
                || (n.IsGenericType && n.TypeArguments.Length == 1 && (Types.IsTask(n) || n.Name == "ValueTask") && TlsTypes.DerivesFrom(n.TypeArguments[0], Types.Stream));
        });

    public MethodSummaries? Summaries { get; }

    /// <summary>The shared state of a compilation; the options are read by the first rule analyzer that asks.</summary>
    public static SharedAnalysis For(Compilation compilation, AnalyzerConfigOptionsProvider? options = null) =>
        ByCompilation.GetValue(compilation, c => TlsTypes.TryCreate(c) is { } types ? Create(c, types, options) : None);

    private static SharedAnalysis Create(Compilation compilation, TlsTypes types, AnalyzerConfigOptionsProvider? provider)
    {
        var options = provider is null ? TlsOptions.Default : Guard.Run(() => TlsOptions.Read(compilation, provider), TlsOptions.Default);
        return new SharedAnalysis(types, new MethodSummaries(compilation, types, new ConfiguredMethods(options, types))) { Options = options };
    }

    /// <summary>The .editorconfig options (docs/usage.md, "Configuration").</summary>
    public TlsOptions Options { get; private set; } = TlsOptions.Default;

    /// <summary>The sites of a type, computed by the first rule analyzer that asks.</summary>
    public IReadOnlyList<Site> GetSites(INamedTypeSymbol type, IReadOnlyList<CollectedBlock> blocks, CancellationToken cancellationToken)
    {
        var lazy = _types.GetOrAdd(type, _ => new Lazy<IReadOnlyList<Site>>(
            () => Guard.Run(() => TypeAnalysis.Run(Types!, Summaries!, blocks), Array.Empty<Site>()),
            LazyThreadSafetyMode.ExecutionAndPublication));
        cancellationToken.ThrowIfCancellationRequested();
        return lazy.Value;
    }
}
