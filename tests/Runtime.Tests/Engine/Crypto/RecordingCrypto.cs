using System.Collections.Concurrent;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls.Crypto;
using TlsShutdown.Engine.Crypto;

namespace TlsShutdown.Tests.Engine.Crypto;

/// <summary>The engine's crypto provider, unchanged, noting which record cipher it made for each negotiation.</summary>
internal sealed class RecordingCrypto(bool useAesGcm, bool useChaCha20Poly1305)
    : DotNetTlsCrypto(new SecureRandom(), useAesGcm, useChaCha20Poly1305)
{
    private readonly ConcurrentQueue<Type> _ciphers = new();

    /// <summary>The types of the record ciphers made so far (a TLS 1.3 connection makes two: handshake and application).</summary>
    public IReadOnlyCollection<Type> Ciphers => _ciphers;

    public override TlsCipher CreateCipher(TlsCryptoParameters cryptoParams, int encryptionAlgorithm, int macAlgorithm)
    {
        TlsCipher cipher = base.CreateCipher(cryptoParams, encryptionAlgorithm, macAlgorithm);
        _ciphers.Enqueue(cipher.GetType());
        return cipher;
    }
}
