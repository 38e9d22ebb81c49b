using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace TlsShutdown.Analyzers.Analysis;

/// <summary>
/// Gathers, for one type, the operation blocks worth a control-flow graph: those that touch a TLS
/// stream, or a field of the type that might hold one or sit beneath one. All others cost one cheap walk.
/// </summary>
internal sealed class BlockCollector
{
    private readonly INamedTypeSymbol _type;
    private readonly TlsTypes _types;
    private readonly List<CollectedBlock> _blocks = new();

    public BlockCollector(INamedTypeSymbol type, TlsTypes types)
    {
        _type = type;
        _types = types;
    }

    public IReadOnlyList<CollectedBlock> Blocks
    {
        get
        {
            lock (_blocks) return _blocks.ToArray();
        }
    }

    public void OnOperationBlock(OperationBlockAnalysisContext context)
    {
        // Members of nested types belong to the nested type's own analysis.
        if (!SymbolEqualityComparer.Default.Equals(context.OwningSymbol.ContainingType, _type)) return;
        foreach (var block in context.OperationBlocks)
        {
            if (block is not (IMethodBodyOperation or IConstructorBodyOperation or IBlockOperation or IFieldInitializerOperation or IPropertyInitializerOperation))
            {
                continue;
            }

            var collected = Guard.Run(() => Collect(context, block), null);
            if (collected is not null)
            {
                lock (_blocks) _blocks.Add(collected);
            }
        }
    }

    private CollectedBlock? Collect(OperationBlockAnalysisContext context, IOperation block)
    {
        bool touchesTls = false;
        HashSet<IFieldSymbol>? fields = null;
        foreach (var op in block.DescendantsAndSelf())
        {
            if (!touchesTls && op.Type is { } type && _types.IsTls(type)) touchesTls = true;
            if (op is IFieldReferenceOperation field && SymbolEqualityComparer.Default.Equals(field.Field.ContainingType, _type)
                && (_types.IsInteresting(field.Field.Type) || _types.CanHoldTls(field.Field.Type)))
            {
                (fields ??= new HashSet<IFieldSymbol>(SymbolEqualityComparer.Default)).Add(field.Field);
            }
        }

        if (!touchesTls && fields is null) return null;
        var graph = context.GetControlFlowGraph(block);
        return new CollectedBlock(graph, touchesTls, (IReadOnlyCollection<IFieldSymbol>?)fields ?? System.Array.Empty<IFieldSymbol>());
    }
}
