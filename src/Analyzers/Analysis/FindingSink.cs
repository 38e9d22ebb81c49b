using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace TlsShutdown.Analyzers.Analysis;

/// <summary>Collects findings once each: a site reached by several paths or passes is reported once.</summary>
internal sealed class FindingSink
{
    private readonly HashSet<(string Id, SyntaxTree? Tree, TextSpan Span)> _seen = new();

    public List<Finding> Findings { get; } = new();

    public void Add(DiagnosticDescriptor descriptor, Location location, ImmutableDictionary<string, string?> properties, string argument)
    {
        if (_seen.Add((descriptor.Id, location.SourceTree, location.SourceSpan)))
        {
            Findings.Add(new Finding(descriptor, location, properties, argument));
        }
    }
}
