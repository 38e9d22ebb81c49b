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

/// <summary>Names of the diagnostic properties the code fixes read.</summary>
public static class FindingProperties
{
    /// <summary>The name of a symbol holding the TLS stream (local, parameter or field).</summary>
    public const string Stream = "Stream";

    /// <summary>The TLS type to cast to when <see cref="Stream"/> is typed as a plain Stream; absent otherwise.</summary>
    public const string CastTo = "CastTo";

    /// <summary>"SslStream" or "TlsEngineStream": which GracefulTlsClose overload applies.</summary>
    public const string Kind = "Kind";

    /// <summary>"true" when the close is the implicit disposal of a using statement or declaration.</summary>
    public const string Using = "Using";
}
