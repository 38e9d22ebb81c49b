namespace TlsShutdown.CodeFixes;

/// <summary>Names shared by the code fixes.</summary>
public static class TlsCodeFixes
{
    /// <summary>The namespace of the runtime the fixes call.</summary>
    public const string RuntimeNamespace = "TlsShutdown";

    /// <summary>The runtime's helper class, looked up by metadata name to choose between the two kinds of fix.</summary>
    public const string GracefulTlsCloseMetadataName = "TlsShutdown.GracefulTlsClose";

    /// <summary>The runtime's bounded handshake, looked up by metadata name: the TLS005 fix calls it when it exists.</summary>
    public const string TlsHandshakeMetadataName = "TlsShutdown.TlsHandshake";
}
