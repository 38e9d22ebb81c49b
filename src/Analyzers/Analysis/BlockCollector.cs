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
    private readonly SharedAnalysis _shared;
    private readonly List<CollectedBlock> _blocks = new();

    public BlockCollector(INamedTypeSymbol type, SharedAnalysis shared)
    {
        _type = type;
        _shared = shared;
        _types = shared.Types!;
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

            var analysisContext = context;
            var collected = Guard.Run(() => _shared.GetOrCollect(block, b => Collect(analysisContext, b)), null);
            if (collected is not null)
            {
                lock (_blocks) _blocks.Add(collected);
            }
        }
    }

    /// <summary>The member a transport value is built on: <c>new NetworkStream(_socket)</c>, <c>_tcp.GetStream()</c>, <c>_tcp.Client</c>.</summary>
    private ISymbol? TransportSource(IOperation value) => OperationWalker.Unwrap(value) switch
    {
        IObjectCreationOperation creation when _types.IsTransport(creation.Type) && creation.Arguments.Length > 0 =>
            Members.OfThis(OperationWalker.Unwrap(creation.Arguments[0].Value)),
        IInvocationOperation { TargetMethod.Name: "GetStream", Instance: { } instance } => Members.OfThis(OperationWalker.Unwrap(instance)),
        IPropertyReferenceOperation { Property.Name: "Client", Instance: { } instance } => Members.OfThis(OperationWalker.Unwrap(instance)),
        _ => null,
    };

    /// <summary>A private ordinary method of this type: every call to it is in this type.</summary>
    private bool IsPrivateHelper(IMethodSymbol method) =>
        method.MethodKind == MethodKind.Ordinary && method.DeclaredAccessibility == Accessibility.Private
        && SymbolEqualityComparer.Default.Equals(method.ContainingType, _type);

    private CollectedBlock? Collect(OperationBlockAnalysisContext context, IOperation block)
    {
        bool touchesTls = false;
        bool callsStreamHelper = false;
        bool reachesOtherObjects = false;
        HashSet<ISymbol>? fields = null;
        List<(ISymbol Upper, ISymbol Lower)>? links = null;
        HashSet<IMethodSymbol>? helperCalls = null;
        HashSet<IMethodSymbol>? helperReferences = null;
        Walk(block);
        if (!touchesTls && !reachesOtherObjects && fields is null && helperCalls is null && helperReferences is null) return null;

        // A block that touches a TLS stream is analyzed for sure: take the driver's graph, which other
        // analyzers (CA2000 and the other dataflow rules) share. Field-only blocks build theirs later, if needed.
        var graph = touchesTls ? context.GetControlFlowGraph(block) : null;
        var root = block;
        while (root.Parent is not null) root = root.Parent;
        return new CollectedBlock(root, graph, touchesTls, (IReadOnlyCollection<ISymbol>?)fields ?? System.Array.Empty<ISymbol>())
        {
            CallsStreamHelper = callsStreamHelper,
            ReachesOtherObjects = reachesOtherObjects,
            TransportLinks = (IReadOnlyList<(ISymbol, ISymbol)>?)links ?? System.Array.Empty<(ISymbol, ISymbol)>(),
            Owner = context.OwningSymbol as IMethodSymbol,
            HelperCalls = (IReadOnlyCollection<IMethodSymbol>?)helperCalls ?? System.Array.Empty<IMethodSymbol>(),
            HelperReferences = (IReadOnlyCollection<IMethodSymbol>?)helperReferences ?? System.Array.Empty<IMethodSymbol>(),
        };

        // A plain recursive walk: this runs over every method of the compilation, so no enumerator allocations.
        void Walk(IOperation op)
        {
            if (!touchesTls && (_types.IsTls(op.Type) || (op is IIsTypeOperation test && _types.IsTls(test.TypeOperand)))) touchesTls = true;
            if (op is IInvocationOperation { Instance: null or IInstanceReferenceOperation } helperCall && IsPrivateHelper(helperCall.TargetMethod))
            {
                (helperCalls ??= new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default)).Add(helperCall.TargetMethod);
            }
            else if (op is IMethodReferenceOperation reference && IsPrivateHelper(reference.Method))
            {
                // Used as a delegate: its callers are not all known.
                (helperReferences ??= new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default)).Add(reference.Method);
            }
            if (!reachesOtherObjects && op is IMemberReferenceOperation { Instance: not (null or IInstanceReferenceOperation) } other
                && Members.OfOther(other) is { } otherMember && _types.IsInteresting(other.Type)
                && _shared.Summaries!.FactsOf(otherMember.ContainingType).Roles.ContainsKey(otherMember))
            {
                // Another object's member known to hold a TLS stream or the transport beside it (peer.Socket).
                reachesOtherObjects = true;
            }

            if (op is ISimpleAssignmentOperation assignment && Members.OfThis(OperationWalker.Unwrap(assignment.Target)) is { } upper
                && TransportSource(assignment.Value) is { } lower)
            {
                (links ??= new List<(ISymbol, ISymbol)>()).Add((upper, lower));
            }
            if (!callsStreamHelper && op is IInvocationOperation call && _shared.ReturnsStream(call.Type) && call.TargetMethod.DeclaringSyntaxReferences.Length > 0)
            {
                // A helper of this compilation returning a Stream (or a task of one) may return a TLS stream.
                callsStreamHelper = true;
            }
            if (op is IFieldReferenceOperation field && SymbolEqualityComparer.Default.Equals(field.Field.ContainingType, _type)
                && (_types.IsInteresting(field.Field.Type) || _types.CanHoldTls(field.Field.Type)))
            {
                (fields ??= new HashSet<ISymbol>(SymbolEqualityComparer.Default)).Add(field.Field);
            }
            else if (op is IPropertyReferenceOperation property && SymbolEqualityComparer.Default.Equals(property.Property.ContainingType, _type)
                && (_types.IsInteresting(property.Property.Type) || _types.CanHoldTls(property.Property.Type))
                && Members.OfThis(op) is { } member)
            {
                (fields ??= new HashSet<ISymbol>(SymbolEqualityComparer.Default)).Add(member);
            }

            foreach (var child in op.ChildOperations) Walk(child);
        }
    }
}
