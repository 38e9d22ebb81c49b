using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace TlsShutdown.Analyzers.Configuration;

/// <summary>
/// The .editorconfig options the analysis reads (docs/usage.md, "Configuration"), in the style of CA2000's
/// <c>dispose_ownership_transfer_*</c>:
/// <list type="bullet">
/// <item><c>dotnet_code_quality.TLS001.graceful_close_methods</c>: the team's own helpers that close a TLS stream
/// gracefully; a call counts as <c>GracefulTlsClose</c> for each TLS stream passed to it.</item>
/// <item><c>dotnet_code_quality.TLS001.ownership_transfer_methods</c>: methods and constructors that take ownership
/// of a TLS stream passed to them; the calling method no longer answers for its close.</item>
/// <item><c>dotnet_code_quality.TLSnnn.excluded_type_names</c>: types whose code a rule does not report in.</item>
/// </list>
/// A graceful close or an ownership transfer is a fact about the code, so those two apply to every rule whatever the
/// rule ID in the key (or with none: <c>dotnet_code_quality.graceful_close_methods</c>). Exclusions are per rule; the
/// key without a rule ID excludes the types from every TLS rule. Values are read from every file's options of the
/// compilation (and the global options) and united.
/// </summary>
internal sealed class TlsOptions
{
    public const string GracefulCloseMethodsKey = "graceful_close_methods";
    public const string OwnershipTransferMethodsKey = "ownership_transfer_methods";
    public const string ExcludedTypeNamesKey = "excluded_type_names";

    private const string Prefix = "dotnet_code_quality.";

    public static readonly TlsOptions Default = new(SymbolNameList.Empty, SymbolNameList.Empty, new Dictionary<string, SymbolNameList>());

    private readonly IReadOnlyDictionary<string, SymbolNameList> _excluded;

    private TlsOptions(SymbolNameList gracefulClose, SymbolNameList ownershipTransfer, IReadOnlyDictionary<string, SymbolNameList> excluded)
    {
        GracefulCloseMethods = gracefulClose;
        OwnershipTransferMethods = ownershipTransfer;
        _excluded = excluded;
    }

    public SymbolNameList GracefulCloseMethods { get; }

    public SymbolNameList OwnershipTransferMethods { get; }

    /// <summary>Whether a rule reports nothing in this type (listed for the rule, or for all rules).</summary>
    public bool IsExcluded(string ruleId, INamedTypeSymbol type) =>
        (_excluded.TryGetValue(ruleId, out var forRule) && forRule.ContainsTypeOrOuter(type))
        || (_excluded.TryGetValue("", out var forAll) && forAll.ContainsTypeOrOuter(type));

    public static TlsOptions Read(Compilation compilation, AnalyzerConfigOptionsProvider provider)
    {
        // Files with the same sections share one options object: read each once.
        var sources = new HashSet<AnalyzerConfigOptions> { provider.GlobalOptions };
        foreach (var tree in compilation.SyntaxTrees) sources.Add(provider.GetOptions(tree));

        var values = new Dictionary<(string Rule, string Key), List<string>>();
        foreach (var options in sources)
        {
            foreach (var key in options.Keys)
            {
                if (!TryParseKey(key, out var rule, out var name) || !options.TryGetValue(key, out var value)) continue;
                if (!values.TryGetValue((rule, name), out var list)) values[(rule, name)] = list = new List<string>();
                list.Add(value);
            }
        }

        if (values.Count == 0) return Default;
        SymbolNameList AnyRule(string name) =>
            SymbolNameList.Parse(values.Where(v => v.Key.Key == name).SelectMany(v => v.Value), compilation);

        var excluded = values.Where(v => v.Key.Key == ExcludedTypeNamesKey)
            .ToDictionary(v => v.Key.Rule, v => SymbolNameList.Parse(v.Value, compilation));
        return new TlsOptions(AnyRule(GracefulCloseMethodsKey), AnyRule(OwnershipTransferMethodsKey), excluded);
    }

    /// <summary><c>dotnet_code_quality.TLS001.name</c> → ("TLS001", name); <c>dotnet_code_quality.name</c> → ("", name).</summary>
    private static bool TryParseKey(string key, out string rule, out string name)
    {
        rule = "";
        name = "";
        if (!key.StartsWith(Prefix, System.StringComparison.OrdinalIgnoreCase)) return false;
        var rest = key.Substring(Prefix.Length);
        int dot = rest.IndexOf('.');
        if (dot > 0)
        {
            rule = rest.Substring(0, dot).ToUpperInvariant();
            if (!rule.StartsWith("TLS", System.StringComparison.Ordinal)) return false;
            rest = rest.Substring(dot + 1);
        }

        name = rest.ToLowerInvariant();
        return name is GracefulCloseMethodsKey or OwnershipTransferMethodsKey or ExcludedTypeNamesKey;
    }
}
