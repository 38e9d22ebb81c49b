namespace TlsShutdown.Engine.Crypto;

/// <summary>The AEAD algorithms whose TLS record protection runs on System.Security.Cryptography.</summary>
internal enum AeadAlgorithm
{
    /// <summary>AES-GCM with a 16-byte tag (AES-128 or AES-256, by key size).</summary>
    AesGcm,

    /// <summary>ChaCha20-Poly1305 (RFC 8439), 32-byte key, 16-byte tag.</summary>
    ChaCha20Poly1305,
}
