using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace TlsShutdown.Analyzers.Configuration;

/// <summary>
/// A list of methods or types named in an option value, separated by <c>|</c>. Each entry is either a
/// documentation comment ID (<c>M:MyLib.Conn.CloseGracefully(System.Net.Security.SslStream)</c>,
/// <c>T:MyLib.LegacyConn</c>): exactly that symbol; or a plain name (<c>MyLib.Conn.CloseGracefully</c>,
/// <c>Conn.CloseGracefully</c>, <c>MyLib.LegacyConn</c>): every overload, matched on the trailing name segments,
/// so the namespace may be left out. A constructor is <c>MyLib.Channel..ctor</c>, in an ID too
/// (<c>M:MyLib.Channel..ctor(System.IO.Stream)</c>): .editorconfig reads <c>#</c> as the start of a comment.
/// </summary>
internal sealed class SymbolNameList
{
    public static readonly SymbolNameList Empty = new(ImmutableHashSet<ISymbol>.Empty, Array.Empty<string[]>());

    private readonly ImmutableHashSet<ISymbol> _exact;
    private readonly IReadOnlyList<string[]> _names;

    private SymbolNameList(ImmutableHashSet<ISymbol> exact, IReadOnlyList<string[]> names)
    {
        _exact = exact;
        _names = names;
    }

    public bool IsEmpty => _exact.Count == 0 && _names.Count == 0;

    /// <summary>Parses an option value; entries that name nothing in this compilation are ignored.</summary>
    public static SymbolNameList Parse(IEnumerable<string> values, Compilation compilation)
    {
        var exact = ImmutableHashSet.CreateBuilder<ISymbol>(SymbolEqualityComparer.Default);
        var names = new List<string[]>();
        // .editorconfig cuts a value at '#' or ';' (inline comments), so a constructor is written "..ctor" there.
        foreach (var entry in values.SelectMany(v => v.Split('|')).Select(e => e.Trim().Replace("..ctor", ".#ctor")).Where(e => e.Length > 0))
        {
            if (entry.Length > 2 && entry[1] == ':')
            {
                foreach (var symbol in DocumentationCommentId.GetSymbolsForDeclarationId(entry, compilation)) exact.Add(symbol.OriginalDefinition);
            }
            else
            {
                names.Add(entry.Split('.'));
            }
        }

        return exact.Count == 0 && names.Count == 0 ? Empty : new SymbolNameList(exact.ToImmutable(), names);
    }

    /// <summary>Whether the symbol (a method, or a type) is on the list.</summary>
    public bool Contains(ISymbol? symbol)
    {
        if (symbol is null || IsEmpty) return false;
        symbol = symbol.OriginalDefinition;
        if (_exact.Contains(symbol)) return true;
        if (_names.Count == 0) return false;
        var path = PathOf(symbol);
        return _names.Any(name => EndsWith(path, name));
    }

    /// <summary>A type, or any type it is nested in, is on the list.</summary>
    public bool ContainsTypeOrOuter(INamedTypeSymbol? type)
    {
        for (var current = type; current is not null; current = current.ContainingType)
        {
            if (Contains(current)) return true;
        }

        return false;
    }

    /// <summary>Namespace, type and member names from the outside in; a constructor is <c>#ctor</c>.</summary>
    private static List<string> PathOf(ISymbol symbol)
    {
        var path = new List<string>();
        for (var current = symbol; current is not null && current is not INamespaceSymbol { IsGlobalNamespace: true }; current = current.ContainingSymbol)
        {
            path.Add(current is IMethodSymbol { MethodKind: MethodKind.Constructor } ? "#ctor" : current.Name);
        }

        path.Reverse();
        return path;
    }

    private static bool EndsWith(List<string> path, string[] name)
    {
        if (name.Length > path.Count) return false;
        int offset = path.Count - name.Length;
        for (int i = 0; i < name.Length; i++)
        {
            if (!string.Equals(path[offset + i], name[i], StringComparison.Ordinal)) return false;
        }

        return true;
    }
}
