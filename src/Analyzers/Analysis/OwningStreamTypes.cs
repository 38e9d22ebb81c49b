using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace TlsShutdown.Analyzers.Analysis;

/// <summary>
/// Stream subclasses of this compilation that own the stream their constructor is given: a constructor (of the
/// type or a base of it in this compilation) stores a Stream parameter in a member, and its Dispose/Close/DisposeAsync
/// override disposes or closes that member. Closing such a wrapper closes the TLS stream under it, as closing a
/// StreamReader does (corpus M7: a proxy's own buffered stream over the SslStream). It follows the base-constructor
/// chain and stored properties, which <c>MethodSummaries.OwnsParameter</c> (any class, parameter by parameter) does not
/// yet; the two should become one.
/// </summary>
internal sealed class OwningStreamTypes
{
    private readonly TlsTypes _types;
    private readonly SourceBodies _bodies;
    private readonly ConcurrentDictionary<ITypeSymbol, bool> _known = new(SymbolEqualityComparer.Default);

    public OwningStreamTypes(TlsTypes types, SourceBodies bodies)
    {
        _types = types;
        _bodies = bodies;
    }

    public bool Owns(ITypeSymbol? type)
    {
        if (type is not INamedTypeSymbol { TypeKind: TypeKind.Class } named || !named.Locations.Any(l => l.IsInSource)) return false;
        if (_types.IsTls(named) || !TlsTypes.DerivesFrom(named, _types.Stream)) return false;
        return _known.GetOrAdd(named.OriginalDefinition, t => Guard.Run(() => Compute((INamedTypeSymbol)t), false));
    }

    /// <summary>
    /// A class of this compilation that is no Stream but owns one the same way (corpus M8: a line channel given the
    /// TLS stream through <c>SetStream(ssl)</c> and disposing it in its Dispose): a member of that type may hold
    /// the TLS stream. Only classes with a Stream-typed member of their own are looked at.
    /// </summary>
    public bool Holds(ITypeSymbol? type)
    {
        if (type is not INamedTypeSymbol { TypeKind: TypeKind.Class } named || !named.Locations.Any(l => l.IsInSource)) return false;
        if (TlsTypes.DerivesFrom(named, _types.Stream) || !named.GetMembers().Any(m => _types.CanHoldTls(TlsTypes.TypeOf(m)) && m is IFieldSymbol or IPropertySymbol)) return false;
        return _known.GetOrAdd(named.OriginalDefinition, t => Guard.Run(() => Compute((INamedTypeSymbol)t), false));
    }

    private bool Compute(INamedTypeSymbol type)
    {
        var chain = new List<INamedTypeSymbol>();
        for (var current = type; current is not null && current.Locations.Any(l => l.IsInSource); current = current.BaseType) chain.Add(current);

        var stored = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        // Given in the constructor, or later through a method (SetStream(Stream s)) or a property setter.
        var receivers = chain.SelectMany(t => t.GetMembers()).OfType<IMethodSymbol>()
            .Where(m => !m.IsStatic && m.MethodKind is MethodKind.Constructor or MethodKind.Ordinary or MethodKind.PropertySet && m.Parameters.Any(p => TlsTypes.DerivesFrom(p.Type, _types.Stream)));
        foreach (var constructor in receivers)
        {
            foreach (var operation in _bodies.Of(constructor))
            {
                if (operation is ISimpleAssignmentOperation assignment
                    && OperationWalker.Unwrap(assignment.Value) is IParameterReferenceOperation parameter
                    && TlsTypes.DerivesFrom(parameter.Parameter.Type, _types.Stream)
                    && MemberOfThis(assignment.Target) is { } member)
                {
                    stored.Add(member);
                }
            }
        }

        if (stored.Count == 0) return false;
        foreach (var method in chain.SelectMany(t => t.GetMembers()).OfType<IMethodSymbol>().Where(m => m.Name is "Dispose" or "Close" or "DisposeAsync"))
        {
            foreach (var operation in _bodies.Of(method))
            {
                if (operation is IInvocationOperation { TargetMethod.Name: "Dispose" or "Close" or "DisposeAsync" } invocation
                    && invocation.Instance is { } instance && MemberOfThis(instance) is { } closed && stored.Contains(closed))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static ISymbol? MemberOfThis(IOperation operation) => OperationWalker.Unwrap(operation) switch
    {
        IFieldReferenceOperation { Instance: IInstanceReferenceOperation or null } field => field.Field.OriginalDefinition,
        IPropertyReferenceOperation { Instance: IInstanceReferenceOperation or null } property => property.Property.OriginalDefinition,
        _ => null,
    };
}
