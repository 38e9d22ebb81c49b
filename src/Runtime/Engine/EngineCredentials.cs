using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace TlsShutdown.Engine;

/// <summary>
/// A local certificate (an <see cref="X509Certificate2"/> with an RSA or ECDSA private key) converted once into
/// what BouncyCastle signs with; <see cref="CreateSigner"/> then picks a signature scheme the peer accepts.
/// </summary>
internal sealed class EngineCredentials
{
    private readonly byte[][] _chain;

    private EngineCredentials(byte[][] chain, AsymmetricKeyParameter privateKey, bool isRsa, int curveHashBits)
    {
        _chain = chain;
        PrivateKey = privateKey;
        IsRsa = isRsa;
        CurveHashBits = curveHashBits;
    }

    public AsymmetricKeyParameter PrivateKey { get; }

    public bool IsRsa { get; }

    /// <summary>For ECDSA: the hash size TLS 1.3 binds to the curve (256 for P-256…); 0 for RSA.</summary>
    public int CurveHashBits { get; }

    /// <summary>Converts <paramref name="certificate"/> and the intermediates after it.</summary>
    /// <exception cref="NotSupportedException">No private key, an unsupported key type, or a key that cannot be exported.</exception>
    public static EngineCredentials From(X509Certificate certificate, IEnumerable<X509Certificate2>? intermediates, string optionName)
    {
        if (certificate is not X509Certificate2 leaf || !leaf.HasPrivateKey)
        {
            throw new NotSupportedException($"{optionName}: TlsEngineStream needs an X509Certificate2 with its private key.");
        }

        var chain = new List<byte[]> { leaf.RawData };
        if (intermediates is not null)
        {
            chain.AddRange(intermediates.Where(c => !c.RawData.AsSpan().SequenceEqual(leaf.RawData)).Select(c => c.RawData));
        }

        try
        {
            using RSA? rsa = leaf.GetRSAPrivateKey();
            if (rsa is not null)
            {
                RSAParameters p = rsa.ExportParameters(includePrivateParameters: true);
                var key = new RsaPrivateCrtKeyParameters(
                    Big(p.Modulus), Big(p.Exponent), Big(p.D), Big(p.P), Big(p.Q), Big(p.DP), Big(p.DQ), Big(p.InverseQ));
                return new EngineCredentials([.. chain], key, isRsa: true, curveHashBits: 0);
            }

            using ECDsa? ecdsa = leaf.GetECDsaPrivateKey();
            if (ecdsa is not null)
            {
                ECParameters p = ecdsa.ExportParameters(includePrivateParameters: true);
                (string oid, int hashBits) = CurveOf(p.Curve, optionName);
                var key = new ECPrivateKeyParameters("EC", Big(p.D), new DerObjectIdentifier(oid));
                return new EngineCredentials([.. chain], key, isRsa: false, curveHashBits: hashBits);
            }
        }
        catch (CryptographicException error)
        {
            throw new NotSupportedException($"{optionName}: the private key cannot be exported for TlsEngineStream ({error.Message}).", error);
        }

        throw new NotSupportedException($"{optionName}: TlsEngineStream supports RSA and ECDSA keys only.");
    }

    /// <summary>A signer for this connection, using the first scheme in <paramref name="peerAlgorithms"/> that fits
    /// the key and the protocol version; null when none does.</summary>
    public TlsCredentialedSigner? CreateSigner(TlsContext context, IList<SignatureAndHashAlgorithm>? peerAlgorithms, byte[]? certificateRequestContext)
    {
        bool tls13 = TlsUtilities.IsTlsV13(context);
        IEnumerable<SignatureAndHashAlgorithm> candidates = peerAlgorithms
            ?? TlsUtilities.GetDefaultSignatureAlgorithms(IsRsa ? SignatureAlgorithm.rsa : SignatureAlgorithm.ecdsa);
        SignatureAndHashAlgorithm? chosen = candidates.FirstOrDefault(a => Fits(a, tls13));
        if (chosen is null)
        {
            return null;
        }

        BcTlsCrypto crypto = EngineCrypto.Instance;
        TlsCertificate[] certificates = [.. _chain.Select(der => (TlsCertificate)new BcTlsCertificate(crypto, der))];
        Certificate certificate = tls13
            ? new Certificate(certificateRequestContext ?? TlsUtilities.EmptyBytes, [.. certificates.Select(c => new CertificateEntry(c, null))])
            : new Certificate(certificates);
        return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto, PrivateKey, certificate, chosen);
    }

    private bool Fits(SignatureAndHashAlgorithm algorithm, bool tls13)
    {
        short signature = algorithm.Signature;
        if (IsRsa)
        {
            bool pss = signature is SignatureAlgorithm.rsa_pss_rsae_sha256 or SignatureAlgorithm.rsa_pss_rsae_sha384 or SignatureAlgorithm.rsa_pss_rsae_sha512;
            return pss || (!tls13 && signature == SignatureAlgorithm.rsa);
        }

        if (signature != SignatureAlgorithm.ecdsa)
        {
            return false;
        }

        if (!tls13)
        {
            return true;
        }

        int hashBits = algorithm.Hash switch
        {
            Org.BouncyCastle.Tls.HashAlgorithm.sha256 => 256,
            Org.BouncyCastle.Tls.HashAlgorithm.sha384 => 384,
            Org.BouncyCastle.Tls.HashAlgorithm.sha512 => 512,
            _ => 0,
        };
        return hashBits == CurveHashBits;
    }

    private static (string Oid, int HashBits) CurveOf(ECCurve curve, string optionName)
    {
        string? oid = curve.Oid?.Value;
        string? name = curve.Oid?.FriendlyName;
        if (oid is null && name is not null)
        {
            oid = name switch
            {
                "nistP256" or "ECDSA_P256" or "secp256r1" => "1.2.840.10045.3.1.7",
                "nistP384" or "ECDSA_P384" or "secp384r1" => "1.3.132.0.34",
                "nistP521" or "ECDSA_P521" or "secp521r1" => "1.3.132.0.35",
                _ => null,
            };
        }

        return oid switch
        {
            "1.2.840.10045.3.1.7" => (oid, 256),
            "1.3.132.0.34" => (oid, 384),
            "1.3.132.0.35" => (oid, 512),
            _ => throw new NotSupportedException($"{optionName}: TlsEngineStream supports ECDSA keys on P-256, P-384 and P-521 only."),
        };
    }

    private static BigInteger Big(byte[]? value) => new(1, value ?? throw new NotSupportedException("The private key is incomplete."));
}
