using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace TlsShutdown.Analyzers.Analysis;

/// <summary>One operation block of a type that the analysis looks at, with its graph.</summary>
internal sealed class CollectedBlock
{
    private readonly IOperation _root;
    private ControlFlowGraph? _graph;

    public CollectedBlock(IOperation root, ControlFlowGraph? graph, bool touchesTls, IReadOnlyCollection<ISymbol> fields)
    {
        _root = root;
        _graph = graph;
        TouchesTls = touchesTls;
        Fields = fields;
    }

    /// <summary>Built on first use: most collected blocks (those that only touch a Stream field) never need one.</summary>
    public ControlFlowGraph Graph => _graph ??= _root switch
    {
        IMethodBodyOperation method => ControlFlowGraph.Create(method),
        IConstructorBodyOperation constructor => ControlFlowGraph.Create(constructor),
        IFieldInitializerOperation initializer => ControlFlowGraph.Create(initializer),
        IPropertyInitializerOperation property => ControlFlowGraph.Create(property),
        _ => ControlFlowGraph.Create((IBlockOperation)_root),
    };

    /// <summary>Uses a TLS-typed value directly.</summary>
    public bool TouchesTls { get; }

    /// <summary>Calls a method of this compilation that returns a Stream (or a task of one), which may be a TLS stream.</summary>
    public bool CallsStreamHelper { get; set; }

    /// <summary>Reaches a member of another object that holds a TLS stream or its transport (<c>peer.Socket</c>).</summary>
    public bool ReachesOtherObjects { get; set; }

    /// <summary>Members this block builds on other members' transports (<c>_net = new NetworkStream(_socket)</c>).</summary>
    public IReadOnlyList<(ISymbol Upper, ISymbol Lower)> TransportLinks { get; set; } = System.Array.Empty<(ISymbol, ISymbol)>();

    /// <summary>The method (or accessor, constructor...) the block is the body of.</summary>
    public IMethodSymbol? Owner { get; set; }

    /// <summary>Private methods of this type the block calls.</summary>
    public IReadOnlyCollection<IMethodSymbol> HelperCalls { get; set; } = System.Array.Empty<IMethodSymbol>();

    /// <summary>Private methods of this type the block uses as delegates (their callers are unknown).</summary>
    public IReadOnlyCollection<IMethodSymbol> HelperReferences { get; set; } = System.Array.Empty<IMethodSymbol>();

    /// <summary>This type's fields and auto-properties of stream, socket or wrapper type that it references.</summary>
    public IReadOnlyCollection<ISymbol> Fields { get; }
}

/// <summary>
/// The shared pass over one type, run once whichever rules are enabled: first the class-level facts about
/// its fields, from the blocks that touch TLS streams; then the flow of every block that touches a TLS
/// stream or one of those fields, which records the <see cref="Site"/>s the rules decide on.
/// </summary>
internal static class TypeAnalysis
{
    public static IReadOnlyList<Site> Run(TlsTypes types, MethodSummaries summaries, IReadOnlyList<CollectedBlock> blocks)
    {
        var facts = BuildFacts(types, summaries, blocks);
        var relevant = blocks.Where(b => b.TouchesTls || b.ReachesOtherObjects || b.Fields.Any(facts.Contains)).ToList();
        if (relevant.Count == 0) return new List<Site>();

        // Private helpers first: what each does to the field groups is part of its callers' picture.
        var delegated = new HashSet<IMethodSymbol>(blocks.SelectMany(b => b.HelperReferences), SymbolEqualityComparer.Default);
        var helpers = relevant.Where(b => IsPrivateHelper(b.Owner) && !delegated.Contains(b.Owner!)).ToList();
        var models = new Dictionary<CollectedBlock, ConnectionModel>();
        foreach (var block in helpers) models[block] = ConnectionModel.Build(block.Graph, types, summaries, facts, outer: null);
        foreach (var block in helpers)
        {
            if (!facts.HelperEffects.ContainsKey(block.Owner!)) facts.HelperEffects[block.Owner!] = models[block].GroupEffects();
        }

        // Every block that touches TLS or the class's TLS fields, and the callers of those helpers.
        var analyzed = relevant.Concat(blocks.Where(b => !relevant.Contains(b) && b.HelperCalls.Any(facts.HelperEffects.ContainsKey))).ToList();
        foreach (var block in analyzed)
        {
            if (!models.ContainsKey(block)) models[block] = ConnectionModel.Build(block.Graph, types, summaries, facts, outer: null);
        }

        // Class-level: a field group shut down (or read with a timeout, or aborted) in any method.
        foreach (var connection in models.Values.SelectMany(m => m.Connections).Where(c => c.FieldGroup >= 0))
        {
            var group = facts.Group(connection.FieldGroup);
            group.HasShutdown |= connection.HasShutdownCall || connection.SelfClosing;
            group.HasReadTimeout |= connection.HasReadTimeout;
            group.HasAbortiveClose |= connection.AbortiveIntent;
        }

        foreach (var connection in models.Values.SelectMany(m => m.Connections).Where(c => c.FieldGroup >= 0))
        {
            var group = facts.Group(connection.FieldGroup);
            connection.ClassShutsDown |= group.HasShutdown;
            connection.HasReadTimeout |= group.HasReadTimeout;
            connection.AbortiveIntent |= group.HasAbortiveClose;
        }

        var sites = new Dictionary<CollectedBlock, List<Site>>();
        var helperCalls = new List<HelperCall>();
        foreach (var block in analyzed)
        {
            ConnectionFlow.Analyze(models[block], facts, sites[block] = new List<Site>(), helperCalls);
        }

        // A private helper runs in the context its callers give it: one called only from error handling is error
        // handling; a field group every caller already closed or shut down is not live when it starts.
        foreach (var block in helpers)
        {
            var calls = helperCalls.Where(c => SymbolEqualityComparer.Default.Equals(c.Callee, block.Owner)).ToList();
            bool failureHandler = IsFailureHandler(block.Owner!) || (calls.Count > 0 && calls.All(c => c.InFailure));
            var notLive = new HashSet<int>(calls.Count == 0 ? Enumerable.Empty<int>()
                : calls.Where(c => !c.InFailure).SelectMany(c => c.LiveGroups.Keys).Distinct()
                    .Where(g => calls.Where(c => !c.InFailure).All(c => c.LiveGroups.TryGetValue(g, out var live) && !live)));
            if (!failureHandler && notLive.Count == 0) continue;
            ConnectionFlow.Analyze(models[block], facts, sites[block] = new List<Site>(), null, failureHandler, notLive);
        }

        return analyzed.SelectMany(b => sites[b]).ToList();
    }

    private static bool IsPrivateHelper(IMethodSymbol? method) =>
        method is { MethodKind: MethodKind.Ordinary, DeclaredAccessibility: Accessibility.Private };

    /// <summary>A private method that takes the exception it handles (<c>OnFailure(Exception e)</c>) is a failure handler by its signature.</summary>
    private static bool IsFailureHandler(IMethodSymbol method) =>
        method.Parameters.Any(p => !p.IsOptional && p.Type is INamedTypeSymbol type && DerivesFromException(type));

    private static bool DerivesFromException(INamedTypeSymbol type)
    {
        for (var t = type; t is not null; t = t.BaseType)
        {
            if (t.Name == "Exception" && t.ContainingNamespace?.ToDisplayString() == "System") return true;
        }

        return false;
    }

    private static ClassFacts BuildFacts(TlsTypes types, MethodSummaries summaries, IReadOnlyList<CollectedBlock> blocks)
    {
        if (!blocks.Any(b => b.Fields.Count > 0)) return new ClassFacts();
        var facts = new ClassFacts();
        foreach (var block in blocks)
        {
            if (!(block.TouchesTls || block.CallsStreamHelper) || block.Fields.Count == 0) continue;
            var model = ConnectionModel.Build(block.Graph, types, summaries, ClassFacts.Empty, outer: null);
            foreach (var group in model.Bindings
                .Where(b => Members.IsMember(b.Key))
                .GroupBy(b => model.GetConnection(b.Value.Connection).Id))
            {
                var connection = model.GetConnection(group.Key);
                facts.AddConnection(connection.Kind, group.Select(b => ((ISymbol)b.Key, b.Value.Role)).ToList());
            }
        }

        // A transport built on another member (in a constructor, say) shares its place beneath the TLS stream.
        var links = blocks.SelectMany(b => b.TransportLinks).ToList();
        for (bool changed = links.Count > 0; changed;)
        {
            changed = false;
            foreach (var (upper, lower) in links)
            {
                if (facts.Contains(upper) && facts.Contains(lower)) continue;
                bool upperKnown = facts.TryGet(upper, out var group, out var role) && role == Role.Transport;
                bool lowerKnown = facts.TryGet(lower, out var lowerGroup, out var lowerRole) && lowerRole == Role.Transport;
                if (upperKnown == lowerKnown) continue;
                facts.AddConnection(facts.Group(upperKnown ? group : lowerGroup).Kind, new[] { (upper, Role.Transport), (lower, Role.Transport) });
                changed = true;
            }
        }

        return facts;
    }
}
