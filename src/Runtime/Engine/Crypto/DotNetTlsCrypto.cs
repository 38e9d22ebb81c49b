using System.Security.Cryptography;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace TlsShutdown.Engine.Crypto;

/// <summary>
/// BouncyCastle's crypto provider with AES-GCM and ChaCha20-Poly1305 record protection on
/// System.Security.Cryptography (<see cref="DotNetAeadCipher"/>), and a peer's ECDSA signatures verified by .NET
/// (<see cref="DotNetTlsCertificate"/>); everything else — key exchange, our own signatures, the key schedule,
/// every other cipher — stays BouncyCastle's. Where .NET reports an AEAD unsupported
/// (<see cref="AesGcm.IsSupported"/>, <see cref="ChaCha20Poly1305.IsSupported"/>), BouncyCastle's own is used.
/// </summary>
internal class DotNetTlsCrypto : BcTlsCrypto
{
    private readonly bool _useAesGcm;
    private readonly bool _useChaCha20Poly1305;

    public DotNetTlsCrypto(SecureRandom random)
        : this(random, AesGcm.IsSupported, ChaCha20Poly1305.IsSupported)
    {
    }

    /// <summary>For tests: pretend a primitive is unsupported, to exercise the fallback.</summary>
    internal DotNetTlsCrypto(SecureRandom random, bool useAesGcm, bool useChaCha20Poly1305)
        : base(random)
    {
        _useAesGcm = useAesGcm;
        _useChaCha20Poly1305 = useChaCha20Poly1305;
    }

    public override TlsCertificate CreateCertificate(short type, byte[] encoding) =>
        type == CertificateType.X509 ? new DotNetTlsCertificate(this, encoding) : base.CreateCertificate(type, encoding);

    protected override TlsAeadCipher CreateCipher_Aes_Gcm(TlsCryptoParameters cryptoParams, int cipherKeySize, int macSize) =>
        _useAesGcm && macSize == DotNetAeadCipherImpl.TagSize
            ? new DotNetAeadCipher(cryptoParams, AeadAlgorithm.AesGcm, cipherKeySize)
            : base.CreateCipher_Aes_Gcm(cryptoParams, cipherKeySize, macSize);

    protected override TlsCipher CreateChaCha20Poly1305(TlsCryptoParameters cryptoParams) =>
        _useChaCha20Poly1305
            ? new DotNetAeadCipher(cryptoParams, AeadAlgorithm.ChaCha20Poly1305, 32)
            : base.CreateChaCha20Poly1305(cryptoParams);
}
