namespace TlsShutdown.Analyzers.Analysis;

/// <summary>Which TLS implementation a stream is; the rules differ (BouncyCastle's Close is graceful).</summary>
internal enum TlsKind
{
    None,
    SslStream,
    TlsEngineStream,
    BouncyCastle,
}
