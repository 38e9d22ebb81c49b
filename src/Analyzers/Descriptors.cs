using Microsoft.CodeAnalysis;

namespace TlsShutdown.Analyzers;

/// <summary>
/// Every diagnostic descriptor of the package. One partial class (xunit.analyzers style) so the
/// docs test and the code fixes find all rules in one place.
/// </summary>
public static partial class Descriptors
{
    private const string Category = "Reliability";
}
