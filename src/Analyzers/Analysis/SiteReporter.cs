using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace TlsShutdown.Analyzers.Analysis;

/// <summary>Reports one rule's findings, each location once (a site reached by several passes is reported once).</summary>
internal sealed class SiteReporter
{
    private readonly DiagnosticDescriptor _rule;
    private readonly System.Action<Diagnostic> _report;
    private readonly HashSet<(SyntaxTree? Tree, TextSpan Span)> _seen = new();

    public SiteReporter(DiagnosticDescriptor rule, System.Action<Diagnostic> report)
    {
        _rule = rule;
        _report = report;
    }

    /// <summary>Reports at the call itself, naming the method.</summary>
    public void AtCall(Site site) =>
        Report(CloseSyntax.ExplicitLocation(site.Invocation.Syntax), ImmutableDictionary<string, string?>.Empty, site.MethodName);

    public void Report(Location location, ImmutableDictionary<string, string?> properties, string argument)
    {
        if (_seen.Add((location.SourceTree, location.SourceSpan)))
        {
            _report(Diagnostic.Create(_rule, location, properties, argument));
        }
    }
}
