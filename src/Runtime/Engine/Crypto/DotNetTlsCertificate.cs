using System.Security.Cryptography;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace TlsShutdown.Engine.Crypto;

/// <summary>A peer's X.509 certificate as BouncyCastle models it, with ECDSA signatures verified by .NET
/// (<see cref="DotNetEcdsaVerifier"/>); every other check and algorithm stays BouncyCastle's.</summary>
internal sealed class DotNetTlsCertificate : BcTlsCertificate
{
    public DotNetTlsCertificate(BcTlsCrypto crypto, byte[] encoding)
        : base(crypto, encoding)
    {
    }

    public override Tls13Verifier CreateVerifier(int signatureScheme)
    {
        HashAlgorithmName? hash = signatureScheme switch
        {
            SignatureScheme.ecdsa_secp256r1_sha256 => HashAlgorithmName.SHA256,
            SignatureScheme.ecdsa_secp384r1_sha384 => HashAlgorithmName.SHA384,
            SignatureScheme.ecdsa_secp521r1_sha512 => HashAlgorithmName.SHA512,
            _ => null,
        };
        if (hash is null)
        {
            return base.CreateVerifier(signatureScheme);
        }

        ValidateKeyUsage(Org.BouncyCastle.Asn1.X509.KeyUsage.DigitalSignature);
        return new DotNetEcdsaVerifier(SubjectPublicKeyInfo.GetEncoded(), hash.Value);
    }

    public override TlsVerifier CreateVerifier(short signatureAlgorithm)
    {
        if (signatureAlgorithm != SignatureAlgorithm.ecdsa)
        {
            return base.CreateVerifier(signatureAlgorithm);
        }

        ValidateKeyUsage(Org.BouncyCastle.Asn1.X509.KeyUsage.DigitalSignature);
        return new DotNetEcdsaVerifier(SubjectPublicKeyInfo.GetEncoded(), default);
    }
}
