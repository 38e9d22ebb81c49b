namespace TlsShutdown.Analyzers;

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
