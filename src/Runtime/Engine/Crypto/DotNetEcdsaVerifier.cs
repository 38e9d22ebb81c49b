using System.Security.Cryptography;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;

namespace TlsShutdown.Engine.Crypto;

/// <summary>
/// Verifies a peer's ECDSA signature (TLS 1.3 CertificateVerify, TLS 1.2 ServerKeyExchange and CertificateVerify)
/// with .NET's <see cref="ECDsa"/> (OpenSSL on Linux) instead of BouncyCastle's managed curve arithmetic, which
/// was the largest single cost of a client handshake (see docs/benchmarks.md).
/// </summary>
// BouncyCastle never disposes a verifier; the MemoryStream it owns holds only managed memory.
#pragma warning disable CA1001
internal sealed class DotNetEcdsaVerifier : Tls13Verifier, TlsVerifier
#pragma warning restore CA1001
{
    private readonly byte[] _subjectPublicKeyInfo;
    private readonly HashAlgorithmName _hash;
    private readonly MemoryStream _signedContent = new();

    /// <param name="subjectPublicKeyInfo">The certificate's DER SubjectPublicKeyInfo (an EC key).</param>
    /// <param name="hash">TLS 1.3: the signature scheme's hash, applied to what is written to <see cref="Stream"/>.</param>
    public DotNetEcdsaVerifier(byte[] subjectPublicKeyInfo, HashAlgorithmName hash)
    {
        _subjectPublicKeyInfo = subjectPublicKeyInfo;
        _hash = hash;
    }

    /// <summary>TLS 1.3: the signed content (a few hundred bytes at most) is written here, and the stream disposed,
    /// before <see cref="VerifySignature"/>.</summary>
    public Stream Stream => _signedContent;

    public bool VerifySignature(byte[] signature)
    {
        // ToArray, unlike Length and GetBuffer, still works once BouncyCastle has disposed the stream.
        byte[] content = _signedContent.ToArray();
        return Verify(key => key.VerifyData(content, signature, _hash, DSASignatureFormat.Rfc3279DerSequence));
    }

    /// <summary>TLS 1.2: BouncyCastle hashes the signed content itself and calls <see cref="VerifyRawSignature"/>.</summary>
    public TlsStreamVerifier? GetStreamVerifier(DigitallySigned digitallySigned) => null;

    public bool VerifyRawSignature(DigitallySigned digitallySigned, byte[] hash)
    {
        SignatureAndHashAlgorithm? algorithm = digitallySigned.Algorithm;
        if (algorithm is not null && algorithm.Signature != SignatureAlgorithm.ecdsa)
        {
            throw new InvalidOperationException($"Invalid algorithm: {algorithm}");
        }

        // Before TLS 1.2 the hash is MD5 || SHA-1 and ECDSA signs only the SHA-1 part (RFC 4492 §5.4).
        ReadOnlyMemory<byte> signedHash = algorithm is null ? hash.AsMemory(16, 20) : hash;
        return Verify(key => key.VerifyHash(signedHash.Span, digitallySigned.Signature, DSASignatureFormat.Rfc3279DerSequence));
    }

    private bool Verify(Func<ECDsa, bool> verify)
    {
        using ECDsa key = ECDsa.Create();
        try
        {
            key.ImportSubjectPublicKeyInfo(_subjectPublicKeyInfo, out _);
            return verify(key);
        }
        catch (CryptographicException)
        {
            // A key .NET cannot import or a malformed signature: the signature does not verify (BouncyCastle's answer too).
            return false;
        }
    }
}
