using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace TlsShutdown.Analyzers.Analysis;

/// <summary>
/// Keys of the value tracking are symbols (locals, parameters, fields) or flow-capture ids; symbols
/// must compare with <see cref="SymbolEqualityComparer.Default"/>, the rest by value.
/// </summary>
internal sealed class KeyComparer : IEqualityComparer<object>
{
    public static readonly KeyComparer Instance = new();

    public new bool Equals(object? x, object? y) =>
        x is ISymbol sx && y is ISymbol sy ? SymbolEqualityComparer.Default.Equals(sx, sy) : object.Equals(x, y);

    public int GetHashCode(object obj) =>
        obj is ISymbol s ? SymbolEqualityComparer.Default.GetHashCode(s) : obj.GetHashCode();
}
