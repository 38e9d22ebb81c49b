using System;

namespace TlsShutdown.Analyzers.Analysis;

/// <summary>
/// An exception escaping an analyzer becomes AD0001 in the user's build: the analysis must never throw,
/// whatever the code (incomplete code in the IDE included). A failure here loses findings, never the build.
/// </summary>
internal static class Guard
{
    /// <summary>Set by the tests, so that a bug fails a test instead of silently losing findings.</summary>
    internal static bool Rethrow { get; set; }

    public static T Run<T>(Func<T> action, T fallback)
    {
        try
        {
            return action();
        }
        catch (OperationCanceledException)
        {
            throw;
        }
#pragma warning disable CA1031 // Catching everything is the point: see the class comment.
        catch (Exception) when (!Rethrow)
#pragma warning restore CA1031
        {
            return fallback;
        }
    }
}
