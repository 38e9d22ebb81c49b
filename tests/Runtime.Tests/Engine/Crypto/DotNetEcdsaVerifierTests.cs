using System.Security.Cryptography;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using TlsShutdown.Engine.Crypto;
using TlsShutdown.Tests.Infrastructure;

namespace TlsShutdown.Tests.Engine.Crypto;

/// <summary>A peer's ECDSA signatures verified by .NET: what verifies, what does not, and which certificates get it.</summary>
public sealed class DotNetEcdsaVerifierTests
{
    private static readonly byte[] Content = [.. Enumerable.Repeat((byte)0x20, 64), .. "TLS 1.3, server CertificateVerify\0"u8, .. new byte[32]];

    [Theory]
    [InlineData("nistP256", SignatureScheme.ecdsa_secp256r1_sha256)]
    [InlineData("nistP384", SignatureScheme.ecdsa_secp384r1_sha384)]
    [InlineData("nistP521", SignatureScheme.ecdsa_secp521r1_sha512)]
    public void Tls13_VerifiesTheSignature_AndRefusesAnAlteredOne(string curve, int scheme)
    {
        using var key = ECDsa.Create(ECCurve.CreateFromFriendlyName(curve));
        HashAlgorithmName hash = scheme switch
        {
            SignatureScheme.ecdsa_secp256r1_sha256 => HashAlgorithmName.SHA256,
            SignatureScheme.ecdsa_secp384r1_sha384 => HashAlgorithmName.SHA384,
            _ => HashAlgorithmName.SHA512,
        };
        byte[] signature = key.SignData(Content, hash, DSASignatureFormat.Rfc3279DerSequence);

        Assert.True(Verify13(key, hash, Content, signature));
        byte[] otherContent = (byte[])Content.Clone();
        otherContent[^1] ^= 1;
        Assert.False(Verify13(key, hash, otherContent, signature));
        byte[] altered = (byte[])signature.Clone();
        altered[^1] ^= 1;
        Assert.False(Verify13(key, hash, Content, altered));
        Assert.False(Verify13(key, hash, Content, [0x30, 0x03, 0x02, 0x01]));
    }

    [Fact]
    public void Tls12_VerifiesTheRawHash_AndRefusesAnotherAlgorithm()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        byte[] hash = SHA256.HashData(Content);
        byte[] signature = key.SignHash(hash, DSASignatureFormat.Rfc3279DerSequence);
        var verifier = new DotNetEcdsaVerifier(key.ExportSubjectPublicKeyInfo(), default);
        var ecdsaSha256 = new SignatureAndHashAlgorithm(Org.BouncyCastle.Tls.HashAlgorithm.sha256, SignatureAlgorithm.ecdsa);

        Assert.Null(verifier.GetStreamVerifier(new DigitallySigned(ecdsaSha256, signature)));
        Assert.True(verifier.VerifyRawSignature(new DigitallySigned(ecdsaSha256, signature), hash));
        byte[] otherHash = (byte[])hash.Clone();
        otherHash[0] ^= 1;
        Assert.False(verifier.VerifyRawSignature(new DigitallySigned(ecdsaSha256, signature), otherHash));
        var rsaSha256 = new SignatureAndHashAlgorithm(Org.BouncyCastle.Tls.HashAlgorithm.sha256, SignatureAlgorithm.rsa);
        Assert.Throws<InvalidOperationException>(() => verifier.VerifyRawSignature(new DigitallySigned(rsaSha256, signature), hash));
    }

    [Fact]
    public void Crypto_UsesDotNetForEcdsaCertificates_AndBouncyCastleForOtherSchemes()
    {
        var crypto = new DotNetTlsCrypto(new SecureRandom());
        TlsCertificate ecdsa = crypto.CreateCertificate(CertificateType.X509, TestCertificates.Ecdsa.RawData);
        Assert.IsType<DotNetEcdsaVerifier>(ecdsa.CreateVerifier(SignatureScheme.ecdsa_secp256r1_sha256));
        Assert.IsType<DotNetEcdsaVerifier>(ecdsa.CreateVerifier(SignatureAlgorithm.ecdsa));

        TlsCertificate rsa = crypto.CreateCertificate(CertificateType.X509, TestCertificates.Rsa.RawData);
        Assert.IsNotType<DotNetEcdsaVerifier>(rsa.CreateVerifier(SignatureScheme.rsa_pss_rsae_sha256));
    }

    private static bool Verify13(ECDsa key, HashAlgorithmName hash, byte[] content, byte[] signature)
    {
        var verifier = new DotNetEcdsaVerifier(key.ExportSubjectPublicKeyInfo(), hash);
        using (Stream stream = verifier.Stream)
        {
            // As BouncyCastle does: write the content, dispose the stream, then verify.
            stream.Write(content);
        }

        return verifier.VerifySignature(signature);
    }
}
