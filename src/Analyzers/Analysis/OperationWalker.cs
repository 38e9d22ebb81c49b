using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace TlsShutdown.Analyzers.Analysis;

/// <summary>Visits operations children first, in evaluation order, without entering lambda bodies.</summary>
internal static class OperationWalker
{
    public static void PostOrder(IOperation? operation, Action<IOperation> visit)
    {
        if (operation is null) return;
        foreach (var child in operation.ChildOperations)
        {
            PostOrder(child, visit);
        }

        visit(operation);
    }

    /// <summary>Every operation of a graph's blocks, block by block (the analysis' flow-insensitive passes).</summary>
    public static List<IOperation> AllOperations(ControlFlowGraph cfg)
    {
        var list = new List<IOperation>();
        foreach (var block in cfg.Blocks)
        {
            foreach (var op in block.Operations) PostOrder(op, list.Add);
            PostOrder(block.BranchValue, list.Add);
        }

        return list;
    }

    public static IOperation Unwrap(IOperation operation)
    {
        while (operation is IConversionOperation conversion) operation = conversion.Operand;
        return operation;
    }

    /// <summary>The parent, skipping the implicit conversions the compiler wraps values in.</summary>
    public static IOperation? ParentSkippingConversions(IOperation operation, out IOperation child)
    {
        child = operation;
        var parent = operation.Parent;
        while (parent is IConversionOperation)
        {
            child = parent;
            parent = parent.Parent;
        }

        return parent;
    }
}
