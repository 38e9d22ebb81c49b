using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace TlsShutdown.Analyzers.Analysis;

/// <summary>One diagnostic the analysis found, before the per-rule analyzer reports it.</summary>
internal sealed class Finding
{
    public Finding(DiagnosticDescriptor descriptor, Location location, ImmutableDictionary<string, string?> properties, string argument)
    {
        Descriptor = descriptor;
        Location = location;
        Properties = properties;
        Argument = argument;
    }

    public DiagnosticDescriptor Descriptor { get; }

    public Location Location { get; }

    public ImmutableDictionary<string, string?> Properties { get; }

    public string Argument { get; }

    public Diagnostic ToDiagnostic() => Diagnostic.Create(Descriptor, Location, Properties, Argument);
}
