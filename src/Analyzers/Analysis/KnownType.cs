using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace TlsShutdown.Analyzers.Analysis;

/// <summary>
/// Looks a type up by metadata name so that a type defined in two referenced assemblies still counts.
/// <c>GetTypeByMetadataName</c> returns null then (Portable.BouncyCastle and BouncyCastle.Cryptography both
/// define <c>Org.BouncyCastle.Tls.TlsProtocol</c>; a project that references both through its dependencies
/// would silently lose every rule about it).
/// </summary>
internal static class KnownType
{
    /// <summary>
    /// Every definition the compilation can see: its own, then each referenced assembly's, those reachable only
    /// through an extern alias included (where GetTypeByMetadataName would pick one, or none when it cannot).
    /// </summary>
    public static ImmutableArray<INamedTypeSymbol> All(Compilation compilation, string metadataName) =>
        compilation.GetTypesByMetadataName(metadataName);

    /// <summary>One definition, for types whose duplicates would be the same API: the unique one, else the first.</summary>
    public static INamedTypeSymbol? Any(Compilation compilation, string metadataName)
    {
        if (compilation.GetTypeByMetadataName(metadataName) is { } unique) return unique;
        var all = All(compilation, metadataName);
        return all.IsDefaultOrEmpty ? null : all[0];
    }
}
