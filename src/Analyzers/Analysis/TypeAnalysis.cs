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

    /// <summary>Members this block builds on other members' transports (<c>_net = new NetworkStream(_socket)</c>).</summary>
    public IReadOnlyList<(ISymbol Upper, ISymbol Lower)> TransportLinks { get; set; } = System.Array.Empty<(ISymbol, ISymbol)>();

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
        var relevant = blocks.Where(b => b.TouchesTls || b.Fields.Any(facts.Contains)).ToList();
        if (relevant.Count == 0) return new List<Site>();

        var models = relevant.Select(b => ConnectionModel.Build(b.Graph, types, summaries, facts, outer: null)).ToList();

        // Class-level: a field group shut down (or read with a timeout) in any method.
        foreach (var model in models)
        {
            foreach (var connection in model.Connections)
            {
                if (connection.FieldGroup < 0) continue;
                var group = facts.Group(connection.FieldGroup);
                group.HasShutdown |= connection.HasShutdownCall || connection.SelfClosing;
                group.HasReadTimeout |= connection.HasReadTimeout;
                group.HasAbortiveClose |= connection.AbortiveIntent;
            }
        }

        foreach (var model in models)
        {
            foreach (var connection in model.Connections)
            {
                if (connection.FieldGroup < 0) continue;
                var group = facts.Group(connection.FieldGroup);
                connection.ClassShutsDown |= group.HasShutdown;
                connection.HasReadTimeout |= group.HasReadTimeout;
                connection.AbortiveIntent |= group.HasAbortiveClose;
            }
        }

        var sites = new List<Site>();
        foreach (var model in models) ConnectionFlow.Analyze(model, facts, sites);
        return sites;
    }

    private static ClassFacts BuildFacts(TlsTypes types, MethodSummaries summaries, IReadOnlyList<CollectedBlock> blocks)
    {
        if (!blocks.Any(b => b.Fields.Count > 0)) return ClassFacts.Empty;
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
