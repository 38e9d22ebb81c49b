using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace TlsShutdown.Analyzers.Analysis;

/// <summary>
/// The operations of a method of this compilation that the analysis of another type needs (an awaiter extension,
/// a Stream subclass's constructor and Dispose). Their trees' semantic models are asked for once each.
/// </summary>
internal sealed class SourceBodies
{
    private readonly Compilation _compilation;
    private readonly ConcurrentDictionary<SyntaxTree, SemanticModel> _models = new();

    public SourceBodies(Compilation compilation) => _compilation = compilation;

    /// <summary>Every operation of the method's body (empty when it has none in this compilation).</summary>
    public IEnumerable<IOperation> Of(IMethodSymbol method)
    {
        foreach (var reference in method.DeclaringSyntaxReferences)
        {
            var syntax = reference.GetSyntax();
            if (!_compilation.ContainsSyntaxTree(syntax.SyntaxTree)) continue;
#pragma warning disable RS1030 // Only for the few members other types' analysis needs, each tree's model once (cached).
            var model = _models.GetOrAdd(syntax.SyntaxTree, tree => _compilation.GetSemanticModel(tree));
#pragma warning restore RS1030
            if (model.GetOperation(syntax) is not { } body) continue;
            foreach (var operation in body.DescendantsAndSelf()) yield return operation;
        }
    }

    /// <summary>Whether the method has a body here.</summary>
    public bool HasBody(IMethodSymbol method) => Of(method).Any();
}
