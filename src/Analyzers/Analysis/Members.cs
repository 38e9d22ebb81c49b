using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace TlsShutdown.Analyzers.Analysis;

/// <summary>
/// The members of a class the analysis treats as its fields: fields, and auto-properties (<c>Stream Stream
/// { get; set; }</c>), which are fields with a property's face. Properties with bodies compute their value
/// and are not followed.
/// </summary>
internal static class Members
{
    /// <summary>The field or auto-property a reference on this instance (or a static one) names, or null.</summary>
    public static ISymbol? OfThis(IOperation operation) => operation switch
    {
        IFieldReferenceOperation field when field.Instance is null or IInstanceReferenceOperation => field.Field,
        IPropertyReferenceOperation property when property.Instance is null or IInstanceReferenceOperation
            && IsAutoProperty(property.Property) => property.Property,
        _ => null,
    };

    /// <summary>
    /// A field or (non-indexer) property of another object declared in this compilation's source, reached
    /// through a reference the analysis tracks: <c>client.Stream</c>, <c>_outer._stream</c>.
    /// </summary>
    public static ISymbol? OfOther(IMemberReferenceOperation reference)
    {
        if (reference.Instance is null or IInstanceReferenceOperation) return null;
        var member = reference switch
        {
            IFieldReferenceOperation field => (ISymbol)field.Field,
            IPropertyReferenceOperation { Property.IsIndexer: false } property => property.Property,
            _ => null,
        };
        return member is { IsStatic: false, Locations: { Length: > 0 } locations } && locations[0].IsInSource ? member : null;
    }

    public static bool IsMember(object? key) => key is IFieldSymbol || key is IPropertySymbol;

    /// <summary>A property declared in source with accessors and no bodies: the compiler gives it a field.</summary>
    public static bool IsAutoProperty(IPropertySymbol property)
    {
        if (property.IsAbstract || property.IsExtern || property.IsIndexer || property.DeclaringSyntaxReferences.Length != 1) return false;
        if (property.ContainingType?.TypeKind is not (TypeKind.Class or TypeKind.Struct)) return false;
        if (property.DeclaringSyntaxReferences[0].GetSyntax() is not PropertyDeclarationSyntax { AccessorList: { } accessors, ExpressionBody: null }) return false;
        foreach (var accessor in accessors.Accessors)
        {
            if (accessor.Body is not null || accessor.ExpressionBody is not null) return false;
        }

        return true;
    }
}
