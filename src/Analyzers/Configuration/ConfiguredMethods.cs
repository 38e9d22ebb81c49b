using System.Collections.Concurrent;
using System.Linq;
using Microsoft.CodeAnalysis;
using TlsShutdown.Analyzers.Analysis;

namespace TlsShutdown.Analyzers.Configuration;

/// <summary>
/// What the options say a method does to the streams passed to it, as a method summary: the analysis then
/// treats a configured graceful close like <c>GracefulTlsClose</c> and a configured owner like a stream given away,
/// at every call site, whether the method is in this compilation or in a library.
/// </summary>
internal sealed class ConfiguredMethods
{
    private readonly TlsOptions _options;
    private readonly TlsTypes _types;
    private readonly ConcurrentDictionary<IMethodSymbol, MethodSummary?> _known = new(SymbolEqualityComparer.Default);

    public ConfiguredMethods(TlsOptions options, TlsTypes types)
    {
        _options = options;
        _types = types;
    }

    /// <summary>The configured summary of a method, or null when the options say nothing about it.</summary>
    public MethodSummary? Summary(IMethodSymbol method)
    {
        if (_options.GracefulCloseMethods.IsEmpty && _options.OwnershipTransferMethods.IsEmpty) return null;
        return _known.GetOrAdd(method, m =>
            _options.GracefulCloseMethods.Contains(m) ? For(m, ParameterEffect.ClosesGracefully, shutsDownThis: !m.IsStatic)
            : _options.OwnershipTransferMethods.Contains(m) ? For(m, ParameterEffect.TakesOwnership, shutsDownThis: false)
            : null);
    }

    private MethodSummary For(IMethodSymbol method, ParameterEffect effect, bool shutsDownThis) =>
        new(method.Parameters.Select(p => _types.CanHoldTls(p.Type) || _types.IsOwningWrapper(p.Type) ? effect : ParameterEffect.None).ToArray(), TlsKind.None, shutsDownThis);
}
